use crate::telemetry::traced;
use crate::{AppInfo, Error, PassageFlex, error_map};
use passage_flex_openapi::apis::apps_api;

impl PassageFlex {
    /// The app this client's API key belongs to.
    pub async fn get_app(&self) -> Result<AppInfo, Error> {
        traced("get_app", async {
            let ready = self.ready()?;
            let response = apps_api::get_app(&ready.configuration, &ready.app_id)
                .await
                .map_err(|err| error_map::from_generated("get_app", err))?;
            Ok(response.app.into())
        })
        .await
    }
}
