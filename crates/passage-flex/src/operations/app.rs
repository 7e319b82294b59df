use crate::retry::Repeat;
use crate::state::Core;
use crate::telemetry::{Operation, traced};
use crate::{AppInfo, Error, PassageFlex};
use passage_flex_openapi::apis::apps_api;

impl PassageFlex {
    /// The app this client's API key belongs to.
    pub async fn get_app(&self) -> Result<AppInfo, Error> {
        self.core.get_app().await
    }
}

impl Core {
    pub(crate) fn get_app<'a>(&'a self) -> Operation<'a, AppInfo> {
        let operation = "get_app";
        let call = async move {
            let ready = self.ready()?;
            let response = ready
                .send(operation, Repeat::Safe, || {
                    let params = apps_api::GetAppParams {
                        app_id: ready.app_id.clone(),
                    };
                    apps_api::get_app(&ready.configuration, params)
                })
                .await?;
            Ok(response.app.into())
        };
        traced(operation, call)
    }
}
