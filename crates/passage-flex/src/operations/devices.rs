use crate::retry::Repeat;
use crate::state::Core;
use crate::telemetry::{Operation, traced};
use crate::{Error, PassageFlex, PasskeyDevice, guard};
use passage_flex_openapi::apis::user_devices_api;

impl PassageFlex {
    /// The passkeys of the user `external_id`.
    pub async fn get_devices(
        &self,
        external_id: impl AsRef<str>,
    ) -> Result<Vec<PasskeyDevice>, Error> {
        self.core.get_devices(external_id.as_ref()).await
    }

    /// Revokes the passkey `device_id` of the user `external_id`; it can no longer log in.
    pub async fn revoke_device(
        &self,
        external_id: impl AsRef<str>,
        device_id: impl AsRef<str>,
    ) -> Result<(), Error> {
        self.core
            .revoke_device(external_id.as_ref(), device_id.as_ref())
            .await
    }
}

impl Core {
    pub(crate) fn get_devices<'a>(
        &'a self,
        external_id: &'a str,
    ) -> Operation<'a, Vec<PasskeyDevice>> {
        let operation = "get_devices";
        let call = self.with_user_id(operation, external_id, move |ready, user_id| async move {
            let response = ready
                .send(operation, Repeat::Safe, || {
                    let params = user_devices_api::ListUserDevicesParams {
                        app_id: ready.app_id.clone(),
                        user_id: user_id.clone(),
                    };
                    user_devices_api::list_user_devices(&ready.configuration, params)
                })
                .await?;
            Ok(response.devices.into_iter().map(Into::into).collect())
        });
        traced(operation, call)
    }

    pub(crate) fn revoke_device<'a>(
        &'a self,
        external_id: &'a str,
        device_id: &'a str,
    ) -> Operation<'a, ()> {
        let operation = "revoke_device";
        let call = async move {
            guard::path_segment("device_id", device_id)?;
            self.with_user_id(operation, external_id, |ready, user_id| async move {
                ready
                    .send(operation, Repeat::Safe, || {
                        let params = user_devices_api::DeleteUserDevicesParams {
                            app_id: ready.app_id.clone(),
                            user_id: user_id.clone(),
                            device_id: device_id.to_string(),
                        };
                        user_devices_api::delete_user_devices(&ready.configuration, params)
                    })
                    .await
            })
            .await
        };
        traced(operation, call)
    }
}
