//! Options of [`PassageFlex::list_users`](crate::PassageFlex::list_users), and the query they
//! become on the wire.

use super::UserStatus;
use crate::error::Error;
use crate::filter_operator::FilterOperator;
use crate::guard;
use chrono::{DateTime, Datelike, Utc};

/// Which users to list and how. Every filter is optional; filters combine with "and".
///
/// ```
/// use passage_flex::chrono::{TimeZone, Utc};
/// use passage_flex::{Compare, ListUsersOptions, SortDirection, TextMatch, UserField, UserStatus};
///
/// // Active users of example.com created since 2024 who logged in more than 3 times,
/// // most logins first, then newest first.
/// let options = ListUsersOptions::new()
///     .status(UserStatus::Active)
///     .identifier(TextMatch::Like("@example.com".into()))
///     .created_at(Compare::GreaterThan(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()))
///     .login_count(Compare::GreaterThan(3))
///     .order_by(UserField::LoginCount, SortDirection::Descending)
///     .order_by(UserField::CreatedAt, SortDirection::Descending)
///     .page_size(500);
/// ```
///
/// Nothing is checked until the stream is read; then an out-of-range page size, a field
/// ordered by twice, a timestamp outside the years 0 to 9999 or a [`TextMatch::Equal`] whose
/// text starts with an operator is [`Error::InvalidArgument`], and nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListUsersOptions {
    pub(crate) page_size: u32,
    pub(crate) order_by: Vec<(UserField, SortDirection)>,
    pub(crate) created_before: Option<i64>,
    identifier: Option<TextMatch>,
    id: Option<TextMatch>,
    status: Option<Compare<UserStatus>>,
    login_count: Option<Compare<u32>>,
    created_at: Option<Compare<DateTime<Utc>>>,
    updated_at: Option<Compare<DateTime<Utc>>>,
    last_login_at: Option<Compare<DateTime<Utc>>>,
}

/// A comparison of a counted or timed field, sent as Passage's `ne:`, `gt:` and `lt:`
/// operators (no operator for [`Compare::Equal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compare<T> {
    /// Exactly this value.
    Equal(T),
    /// Anything but this value.
    NotEqual(T),
    /// Greater (later) than this value, not equal to it.
    GreaterThan(T),
    /// Less (earlier) than this value, not equal to it.
    LessThan(T),
}

/// A match on a text field, sent as Passage's `ne:`, `like:` and `not_like:` operators (no
/// operator for [`TextMatch::Equal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextMatch {
    /// Exactly this text. Sent without an operator, so a text that starts with one (`ne:`,
    /// `gt:`, `lt:`, `like:`, `not_like:`), which Passage would read as that operator, is
    /// refused.
    Equal(String),
    /// Anything but this text.
    NotEqual(String),
    /// Text containing this.
    Like(String),
    /// Text not containing this.
    NotLike(String),
}

/// A field users can be ordered by. (`identifier` cannot be.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserField {
    /// The Passage user ID.
    Id,
    /// How many times the user logged in.
    LoginCount,
    /// The user's status.
    Status,
    /// When the user was created.
    CreatedAt,
    /// When the user last changed.
    UpdatedAt,
    /// When the user last logged in.
    LastLoginAt,
}

/// Which way a [`UserField`] orders users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDirection {
    /// Smallest (earliest) first: `ASC`.
    Ascending,
    /// Largest (latest) first: `DESC`.
    Descending,
}

impl Default for ListUsersOptions {
    fn default() -> Self {
        ListUsersOptions {
            page_size: Self::DEFAULT_PAGE_SIZE,
            order_by: Vec::new(),
            created_before: None,
            identifier: None,
            id: None,
            status: None,
            login_count: None,
            created_at: None,
            updated_at: None,
            last_login_at: None,
        }
    }
}

impl ListUsersOptions {
    /// Users fetched per request unless [`ListUsersOptions::page_size`] says otherwise.
    pub const DEFAULT_PAGE_SIZE: u32 = 100;
    /// The most users Passage returns per request.
    pub const MAX_PAGE_SIZE: u32 = 500;

    /// All users, [`Self::DEFAULT_PAGE_SIZE`] per request, in the API's default order (newest
    /// first).
    pub fn new() -> Self {
        Self::default()
    }

    /// Users fetched per request, from 1 to [`Self::MAX_PAGE_SIZE`]. The stream yields every
    /// matching user whatever the size; a larger page makes fewer requests.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Orders by `field`, after any field given before: call it again for a tie-break.
    pub fn order_by(mut self, field: UserField, direction: SortDirection) -> Self {
        self.order_by.push((field, direction));
        self
    }

    /// Only users whose external ID, email or phone number matches.
    pub fn identifier(mut self, identifier: TextMatch) -> Self {
        self.identifier = Some(identifier);
        self
    }

    /// Only users whose Passage user ID matches.
    pub fn user_id(mut self, user_id: TextMatch) -> Self {
        self.id = Some(user_id);
        self
    }

    /// Only users with this status.
    pub fn status(mut self, status: UserStatus) -> Self {
        self.status = Some(Compare::Equal(status));
        self
    }

    /// Only users without this status.
    pub fn status_not(mut self, status: UserStatus) -> Self {
        self.status = Some(Compare::NotEqual(status));
        self
    }

    /// Only users whose login count compares so.
    pub fn login_count(mut self, login_count: Compare<u32>) -> Self {
        self.login_count = Some(login_count);
        self
    }

    /// Only users whose creation time compares so (to the microsecond).
    pub fn created_at(mut self, created_at: Compare<DateTime<Utc>>) -> Self {
        self.created_at = Some(created_at);
        self
    }

    /// Only users whose last change compares so (to the microsecond).
    pub fn updated_at(mut self, updated_at: Compare<DateTime<Utc>>) -> Self {
        self.updated_at = Some(updated_at);
        self
    }

    /// Only users whose last login compares so (to the microsecond).
    pub fn last_login_at(mut self, last_login_at: Compare<DateTime<Utc>>) -> Self {
        self.last_login_at = Some(last_login_at);
        self
    }

    /// Only users created up to this instant (Unix seconds). Without it, the first page pins
    /// the instant, so users created while the stream runs do not shift later pages.
    pub fn created_before(mut self, unix_seconds: i64) -> Self {
        self.created_before = Some(unix_seconds);
        self
    }

    /// The options as Passage's query values, checked.
    pub(crate) fn to_query(&self) -> Result<UserQuery, Error> {
        let limit = i32::try_from(self.page_size)
            .ok()
            .filter(|size| (1..=Self::MAX_PAGE_SIZE as i32).contains(size))
            .ok_or(Error::InvalidArgument {
                argument: "page_size",
                reason: "must be between 1 and 500",
            })?;
        Ok(UserQuery {
            limit,
            order_by: order_by(&self.order_by)?,
            identifier: text_filter("identifier", &self.identifier)?,
            id: text_filter("user_id", &self.id)?,
            status: self
                .status
                .as_ref()
                .map(|status| status.to_query(|status| Ok(status.as_str().to_owned())))
                .transpose()?,
            login_count: self
                .login_count
                .as_ref()
                .map(|count| count.to_query(|count| Ok(count.to_string())))
                .transpose()?,
            created_at: timestamp_filter("created_at", &self.created_at)?,
            updated_at: timestamp_filter("updated_at", &self.updated_at)?,
            last_login_at: timestamp_filter("last_login_at", &self.last_login_at)?,
        })
    }
}

/// The checked query values of one listing, the same for every page.
#[derive(Debug, Clone)]
pub(crate) struct UserQuery {
    pub(crate) limit: i32,
    pub(crate) order_by: Option<String>,
    pub(crate) identifier: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) login_count: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
    pub(crate) last_login_at: Option<String>,
}

impl<T> Compare<T> {
    fn to_query(&self, value: impl Fn(&T) -> Result<String, Error>) -> Result<String, Error> {
        Ok(match self {
            Compare::Equal(v) => value(v)?,
            Compare::NotEqual(v) => FilterOperator::NotEqual.apply(&value(v)?),
            Compare::GreaterThan(v) => FilterOperator::GreaterThan.apply(&value(v)?),
            Compare::LessThan(v) => FilterOperator::LessThan.apply(&value(v)?),
        })
    }
}

impl TextMatch {
    fn to_query(&self) -> String {
        match self {
            TextMatch::Equal(text) => text.clone(),
            TextMatch::NotEqual(text) => FilterOperator::NotEqual.apply(text),
            TextMatch::Like(text) => FilterOperator::Like.apply(text),
            TextMatch::NotLike(text) => FilterOperator::NotLike.apply(text),
        }
    }
}

impl UserField {
    fn as_str(self) -> &'static str {
        match self {
            UserField::Id => "id",
            UserField::LoginCount => "login_count",
            UserField::Status => "status",
            UserField::CreatedAt => "created_at",
            UserField::UpdatedAt => "updated_at",
            UserField::LastLoginAt => "last_login_at",
        }
    }
}

/// `created_at:DESC,id:ASC`; `None` for the API's default order.
fn order_by(fields: &[(UserField, SortDirection)]) -> Result<Option<String>, Error> {
    for (i, (field, _)) in fields.iter().enumerate() {
        if fields[..i].iter().any(|(earlier, _)| earlier == field) {
            return Err(Error::InvalidArgument {
                argument: "order_by",
                reason: "names a field more than once",
            });
        }
    }
    let order: Vec<String> = fields
        .iter()
        .map(|(field, direction)| {
            let direction = match direction {
                SortDirection::Ascending => "ASC",
                SortDirection::Descending => "DESC",
            };
            format!("{}:{direction}", field.as_str())
        })
        .collect();
    Ok((!order.is_empty()).then(|| order.join(",")))
}

/// `TextMatch::Equal` is sent without an operator, so its text must not start with one.
fn text_filter(
    argument: &'static str,
    filter: &Option<TextMatch>,
) -> Result<Option<String>, Error> {
    if let Some(TextMatch::Equal(text)) = filter {
        guard::exact_filter(argument, text)?;
    }
    Ok(filter.as_ref().map(TextMatch::to_query))
}

fn timestamp_filter(
    argument: &'static str,
    filter: &Option<Compare<DateTime<Utc>>>,
) -> Result<Option<String>, Error> {
    filter
        .as_ref()
        .map(|filter| filter.to_query(|time| passage_timestamp(argument, time)))
        .transpose()
}

/// Passage's fixed timestamp form, `2006-01-02T15:04:05.000000Z`: UTC, six fractional digits.
fn passage_timestamp(argument: &'static str, time: &DateTime<Utc>) -> Result<String, Error> {
    if !(0..=9999).contains(&time.year()) {
        return Err(Error::InvalidArgument {
            argument,
            reason: "must be within the years 0 to 9999",
        });
    }
    Ok(time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_filter_becomes_passages_operator_syntax() {
        let noon = Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
            + chrono::Duration::microseconds(250);
        let query = ListUsersOptions::new()
            .identifier(TextMatch::NotLike("example.com".into()))
            .user_id(TextMatch::NotEqual("abc".into()))
            .status_not(UserStatus::Inactive)
            .login_count(Compare::LessThan(7))
            .created_at(Compare::GreaterThan(noon))
            .updated_at(Compare::Equal(noon))
            .last_login_at(Compare::NotEqual(noon))
            .order_by(UserField::LoginCount, SortDirection::Descending)
            .order_by(UserField::Id, SortDirection::Ascending)
            .page_size(500)
            .to_query()
            .expect("valid options");
        assert_eq!(query.limit, 500);
        assert_eq!(query.order_by.as_deref(), Some("login_count:DESC,id:ASC"));
        assert_eq!(query.identifier.as_deref(), Some("not_like:example.com"));
        assert_eq!(query.id.as_deref(), Some("ne:abc"));
        assert_eq!(query.status.as_deref(), Some("ne:inactive"));
        assert_eq!(query.login_count.as_deref(), Some("lt:7"));
        assert_eq!(
            query.created_at.as_deref(),
            Some("gt:2024-06-01T12:00:00.000250Z")
        );
        assert_eq!(
            query.updated_at.as_deref(),
            Some("2024-06-01T12:00:00.000250Z")
        );
        assert_eq!(
            query.last_login_at.as_deref(),
            Some("ne:2024-06-01T12:00:00.000250Z")
        );
    }

    #[test]
    fn no_options_send_only_the_page_size() {
        let query = ListUsersOptions::new().to_query().expect("valid");
        assert_eq!(query.limit, 100);
        assert!(query.order_by.is_none() && query.identifier.is_none() && query.status.is_none());
    }

    #[test]
    fn out_of_range_options_are_invalid_arguments() {
        let refused = |options: ListUsersOptions| match options.to_query() {
            Err(Error::InvalidArgument { argument, .. }) => argument,
            other => panic!("expected InvalidArgument, got {other:?}"),
        };
        assert_eq!(refused(ListUsersOptions::new().page_size(0)), "page_size");
        assert_eq!(refused(ListUsersOptions::new().page_size(501)), "page_size");
        assert_eq!(
            refused(ListUsersOptions::new().page_size(u32::MAX)),
            "page_size"
        );
        assert_eq!(
            refused(
                ListUsersOptions::new()
                    .order_by(UserField::Id, SortDirection::Ascending)
                    .order_by(UserField::Id, SortDirection::Descending)
            ),
            "order_by"
        );
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            refused(ListUsersOptions::new().last_login_at(Compare::LessThan(far))),
            "last_login_at"
        );
        assert!(ListUsersOptions::new().page_size(1).to_query().is_ok());
    }
}
