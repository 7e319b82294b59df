//! Options of [`PassageFlex::list_users`](crate::PassageFlex::list_users).

use super::UserStatus;

/// Which users to list and how. Every filter is optional.
///
/// ```
/// use passage_flex::{ListUsersOptions, UserStatus};
///
/// let options = ListUsersOptions::new()
///     .status(UserStatus::Active)
///     .order_by("created_at:DESC")
///     .page_size(50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListUsersOptions {
    pub(crate) page_size: u32,
    pub(crate) order_by: Option<String>,
    pub(crate) status: Option<UserStatus>,
    pub(crate) created_before: Option<i64>,
}

impl Default for ListUsersOptions {
    fn default() -> Self {
        ListUsersOptions {
            page_size: Self::DEFAULT_PAGE_SIZE,
            order_by: None,
            status: None,
            created_before: None,
        }
    }
}

impl ListUsersOptions {
    /// Users fetched per request unless [`ListUsersOptions::page_size`] says otherwise.
    pub const DEFAULT_PAGE_SIZE: u32 = 100;

    /// All users, [`Self::DEFAULT_PAGE_SIZE`] per request, in the API's default order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Users fetched per request (at least 1).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Sort order, `<field>:<ASC|DESC>`, for example `created_at:DESC`.
    pub fn order_by(mut self, order_by: impl Into<String>) -> Self {
        self.order_by = Some(order_by.into());
        self
    }

    /// Only users with this status.
    pub fn status(mut self, status: UserStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only users created before this instant (Unix seconds). Without it, the first page pins
    /// the instant, so users created while the stream runs do not shift later pages.
    pub fn created_before(mut self, unix_seconds: i64) -> Self {
        self.created_before = Some(unix_seconds);
        self
    }
}
