//! One API call of an operation: the generated call, its error mapped, repeated while that is
//! safe and worth it.

use crate::error::Error;
use crate::error_map;
use crate::retry::Repeat;
use crate::state::Ready;
use passage_flex_openapi::apis;
use std::future::Future;

impl Ready {
    /// Makes the generated call `call` for `operation`, mapping its error, and repeats it per
    /// [`RetryConfig`](crate::RetryConfig) when `repeat` allows.
    pub(crate) async fn send<T, E, F, Fut>(
        &self,
        operation: &'static str,
        repeat: Repeat,
        call: F,
    ) -> Result<T, Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, apis::Error<E>>>,
    {
        let attempt = || async {
            call()
                .await
                .map_err(|err| error_map::from_generated(operation, err, &self.timeouts))
        };
        self.retry.run(repeat, attempt).await
    }
}
