//! `GET /users`: the query, parsed and validated, and spelled back as the parameters its
//! `_links` repeat.
//!
//! Pure data, a leaf of the module tree: the handler parses it, the store (`store::user_page`)
//! decides which users it selects, in which order and which page of them by asking its
//! [`Filter`]s and [`SortKey`]s, and `render::api_json` builds the `_links` from it.
//!
//! The rules, from Passage's spec:
//!
//! - `page` from 1, `limit` from 1 to 500 (default 15), `created_before` Unix seconds (default
//!   now), `order_by` a comma-separated list of `<field>:<ASC|DESC>` (default
//!   `created_at:DESC`; `identifier` cannot be ordered by).
//! - Filters `identifier`, `id`, `status` (text), `login_count` (a count) and `created_at`,
//!   `updated_at`, `last_login_at` (timestamps in the fixed form `2006-01-02T15:04:05.000000Z`).
//!   A value may start with `ne:`, `gt:`, `lt:`, `like:` or `not_like:`; no prefix means equal.
//!   Counts and timestamps take `ne:`, `gt:` and `lt:` only.
//! - Text compares byte-wise; `like:` is a case-insensitive substring match. Timestamps compare
//!   as their fixed form, which orders as time does. A filter given twice must hold twice (so
//!   `created_at=gt:...&created_at=lt:...` is a range). Unknown parameters are ignored.

use chrono::{DateTime, Utc};

use crate::api_error::Failure;

/// Users per page when the query gives no `limit`, as Passage answers.
pub(crate) const DEFAULT_LIMIT: i32 = 15;
/// The largest `limit` Passage takes.
pub(crate) const MAX_LIMIT: i32 = 500;
/// The order when the query gives no `order_by`, as Passage answers: newest first.
const DEFAULT_ORDER: SortKey = SortKey {
    field: Field::CreatedAt,
    descending: true,
};

/// A field of a user that the query can filter or order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// The external ID, the email or the phone number; filter only.
    Identifier,
    Id,
    LoginCount,
    Status,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

/// What values of a field look like, and so which operators it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Count,
    Time,
}

impl Field {
    const ALL: [Field; 7] = [
        Field::Identifier,
        Field::Id,
        Field::LoginCount,
        Field::Status,
        Field::CreatedAt,
        Field::UpdatedAt,
        Field::LastLoginAt,
    ];

    /// The query parameter, and the `order_by` field.
    fn name(self) -> &'static str {
        match self {
            Field::Identifier => "identifier",
            Field::Id => "id",
            Field::LoginCount => "login_count",
            Field::Status => "status",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
            Field::LastLoginAt => "last_login_at",
        }
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    fn kind(self) -> Kind {
        match self {
            Field::Identifier | Field::Id | Field::Status => Kind::Text,
            Field::LoginCount => Kind::Count,
            Field::CreatedAt | Field::UpdatedAt | Field::LastLoginAt => Kind::Time,
        }
    }

    fn sortable(self) -> bool {
        self != Field::Identifier
    }
}

/// How a filter compares a user's value with the operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Equal,
    NotEqual,
    Greater,
    Less,
    Like,
    NotLike,
}

impl Operator {
    /// The prefixed operators; no prefix means [`Operator::Equal`].
    const PREFIXED: [Operator; 5] = [
        Operator::NotEqual,
        Operator::Greater,
        Operator::Less,
        Operator::Like,
        Operator::NotLike,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Operator::Equal => "",
            Operator::NotEqual => "ne:",
            Operator::Greater => "gt:",
            Operator::Less => "lt:",
            Operator::Like => "like:",
            Operator::NotLike => "not_like:",
        }
    }

    /// The operator a filter value starts with, and the operand after it.
    fn split(value: &str) -> (Operator, &str) {
        Operator::PREFIXED
            .into_iter()
            .find_map(|op| value.strip_prefix(op.prefix()).map(|rest| (op, rest)))
            .unwrap_or((Operator::Equal, value))
    }

    fn takes(self, kind: Kind) -> bool {
        kind == Kind::Text || !matches!(self, Operator::Like | Operator::NotLike)
    }

    /// Negative operators hold when their positive counterpart does not.
    fn is_negative(self) -> bool {
        matches!(self, Operator::NotEqual | Operator::NotLike)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Operand {
    /// Text, and timestamps in their fixed form.
    Text(String),
    Count(i32),
}

/// One filter of the query: `field=<operator><operand>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    pub field: Field,
    operator: Operator,
    operand: Operand,
    /// The value as the query gave it, for the `_links`.
    raw: String,
}

impl Filter {
    fn parse(field: Field, raw: String) -> Result<Filter, Failure> {
        let (operator, operand) = Operator::split(&raw);
        let name = field.name();
        let kind = field.kind();
        if !operator.takes(kind) {
            return Err(Failure::invalid_request(format!(
                "{name} takes no {}, only ne:, gt: or lt: (or none, for equal)",
                operator.prefix()
            )));
        }
        let operand = match kind {
            Kind::Text => Operand::Text(operand.to_owned()),
            Kind::Count => Operand::Count(count(operand).ok_or_else(|| {
                Failure::invalid_request(format!(
                    "{name} must be a count of 1 to 9 digits, optionally after ne:, gt: or lt:, \
                     not {raw:?}"
                ))
            })?),
            Kind::Time if is_fixed_form(operand) => Operand::Text(operand.to_owned()),
            Kind::Time => {
                return Err(Failure::invalid_request(format!(
                    "{name} must be a UTC time in the form 2006-01-02T15:04:05.000000Z, \
                     optionally after ne:, gt: or lt:, not {raw:?}"
                )));
            }
        };
        Ok(Filter {
            field,
            operator,
            operand,
            raw,
        })
    }

    /// Whether a text value passes (for a timestamp, its [`fixed_form`]).
    pub(crate) fn admits_text(&self, value: &str) -> bool {
        let Operand::Text(operand) = &self.operand else {
            return false;
        };
        match self.operator {
            Operator::Equal => value == operand,
            Operator::NotEqual => value != operand,
            Operator::Greater => value > operand.as_str(),
            Operator::Less => value < operand.as_str(),
            Operator::Like => contains_ignoring_case(value, operand),
            Operator::NotLike => !contains_ignoring_case(value, operand),
        }
    }

    /// Whether any of several values passes a positive operator, or all of them a negative
    /// one: `identifier=ne:x` keeps the users none of whose identifiers is `x`.
    pub(crate) fn admits_any_text<'a>(&self, mut values: impl Iterator<Item = &'a str>) -> bool {
        if self.operator.is_negative() {
            values.all(|value| self.admits_text(value))
        } else {
            values.any(|value| self.admits_text(value))
        }
    }

    pub(crate) fn admits_count(&self, value: i32) -> bool {
        let Operand::Count(operand) = self.operand else {
            return false;
        };
        match self.operator {
            Operator::Equal => value == operand,
            Operator::NotEqual => value != operand,
            Operator::Greater => value > operand,
            Operator::Less => value < operand,
            // Counts take neither; parsing refused them.
            Operator::Like | Operator::NotLike => false,
        }
    }
}

/// One key of `order_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub field: Field,
    pub descending: bool,
}

/// A parsed, validated `GET /users` query.
#[derive(Debug)]
pub(crate) struct ListQuery {
    pub page: i32,
    pub limit: i32,
    /// Unix seconds: only users created up to this second.
    pub created_before: i64,
    /// Sort keys, most significant first; never empty.
    pub order: Vec<SortKey>,
    /// Every filter must hold.
    pub filters: Vec<Filter>,
}

impl ListQuery {
    /// Parses the raw query string. `now` is the default `created_before`, in Unix seconds.
    pub(crate) fn parse(raw: Option<&str>, now: i64) -> Result<Self, Failure> {
        let mut query = ListQuery {
            page: 1,
            limit: DEFAULT_LIMIT,
            created_before: now,
            order: vec![DEFAULT_ORDER],
            filters: Vec::new(),
        };
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "page" => query.page = bounded(&name, &value, 1, i32::MAX)?,
                "limit" => query.limit = bounded(&name, &value, 1, MAX_LIMIT)?,
                "created_before" => query.created_before = bounded(&name, &value, 0, i64::MAX)?,
                "order_by" => query.order = order_by(&value)?,
                other => match Field::from_name(other) {
                    Some(field) => query
                        .filters
                        .push(Filter::parse(field, value.into_owned())?),
                    // Unknown parameters are ignored, as most HTTP APIs do.
                    None => continue,
                },
            }
        }
        Ok(query)
    }

    /// The parameters that shaped this listing, defaults included (as Passage's `_links` carry
    /// them), in the order Passage writes them: `page` is left to the caller, which names the
    /// page a link goes to.
    pub(crate) fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = vec![
            ("limit", self.limit.to_string()),
            ("order_by", self.order_by()),
            ("created_before", self.created_before.to_string()),
        ];
        for filter in &self.filters {
            parameters.push((filter.field.name(), filter.raw.clone()));
        }
        parameters
    }

    /// `order_by` as the query would spell it.
    fn order_by(&self) -> String {
        let keys: Vec<String> = self
            .order
            .iter()
            .map(|key| {
                let direction = if key.descending { "DESC" } else { "ASC" };
                format!("{}:{direction}", key.field.name())
            })
            .collect();
        keys.join(",")
    }
}

/// A timestamp in the fixed form the filters take, `2006-01-02T15:04:05.000000Z`. Fixed width
/// and most significant part first, so comparing two of them as text compares the times.
pub(crate) fn fixed_form(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Whether `value` has the fixed form, field by field as the spec's pattern checks it (month
/// 01-12, day 01-31, hour 00-23, minute and second 00-59, six fractional digits, `Z`).
fn is_fixed_form(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |from: usize, to: usize| {
        bytes
            .get(from..to)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let number = |from: usize, to: usize| -> Option<u32> {
        if !digits(from, to) {
            return None;
        }
        value.get(from..to)?.parse().ok()
    };
    let within = |from, to, min, max| number(from, to).is_some_and(|n| (min..=max).contains(&n));
    let at = |index: usize, byte: u8| bytes.get(index) == Some(&byte);
    bytes.len() == 27
        && digits(0, 4)
        && at(4, b'-')
        && within(5, 7, 1, 12)
        && at(7, b'-')
        && within(8, 10, 1, 31)
        && at(10, b'T')
        && within(11, 13, 0, 23)
        && at(13, b':')
        && within(14, 16, 0, 59)
        && at(16, b':')
        && within(17, 19, 0, 59)
        && at(19, b'.')
        && digits(20, 26)
        && at(26, b'Z')
}

/// A login count operand: 1 to 9 ASCII digits (no sign), as the spec's pattern has it.
fn count(operand: &str) -> Option<i32> {
    if operand.is_empty() || operand.len() > 9 || !operand.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    operand.parse().ok()
}

fn contains_ignoring_case(value: &str, part: &str) -> bool {
    value.to_lowercase().contains(&part.to_lowercase())
}

fn order_by(value: &str) -> Result<Vec<SortKey>, Failure> {
    let invalid = |why: String| {
        Failure::invalid_request(format!(
            "order_by must be a comma-separated list of <field>:<ASC|DESC> with fields among \
             id, login_count, status, created_at, updated_at, last_login_at; {why}"
        ))
    };
    value
        .split(',')
        .map(|key| {
            let (name, direction) = key
                .split_once(':')
                .ok_or_else(|| invalid(format!("{key:?} has no direction")))?;
            let field = match Field::from_name(name) {
                Some(field) if field.sortable() => field,
                Some(_) => return Err(invalid(format!("{name} cannot be ordered by"))),
                None => return Err(invalid(format!("{name:?} is not a field"))),
            };
            let descending = match direction {
                "ASC" => false,
                "DESC" => true,
                _ => return Err(invalid(format!("{direction:?} is not ASC or DESC"))),
            };
            Ok(SortKey { field, descending })
        })
        .collect()
}

/// An integer query parameter within the spec's bounds.
fn bounded<T>(name: &str, value: &str, min: T, max: T) -> Result<T, Failure>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    value
        .parse()
        .ok()
        .filter(|n| *n >= min && *n <= max)
        .ok_or_else(|| {
            Failure::invalid_request(format!(
                "{name} must be an integer from {min} to {max}, not {value:?}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(field: Field, raw: &str) -> Filter {
        Filter::parse(field, raw.to_owned()).expect("a valid filter")
    }

    #[test]
    fn the_fixed_form_is_checked_part_by_part() {
        assert!(is_fixed_form("2024-06-01T12:00:00.000000Z"));
        // The pattern does not know calendars; neither does the emulator (it compares text).
        assert!(is_fixed_form("2024-02-31T23:59:59.999999Z"));
        for bad in [
            "2024-06-01T12:00:00Z",
            "2024-06-01T12:00:00.000Z",
            "2024-13-01T12:00:00.000000Z",
            "2024-06-00T12:00:00.000000Z",
            "2024-06-01T24:00:00.000000Z",
            "2024-06-01T12:60:00.000000Z",
            "2024-06-01 12:00:00.000000Z",
            "2024-06-01T12:00:00.000000+00:00",
            "+024-06-01T12:00:00.000000Z",
            "2024-06-01T12:00:00.00000éZ",
        ] {
            assert!(!is_fixed_form(bad), "{bad}");
        }
    }

    #[test]
    fn the_fixed_form_orders_as_time_does() {
        let early = DateTime::parse_from_rfc3339("2024-06-01T09:59:59.5Z").unwrap();
        let late = DateTime::parse_from_rfc3339("2024-06-01T10:00:00Z").unwrap();
        let (early, late) = (fixed_form(early.to_utc()), fixed_form(late.to_utc()));
        assert_eq!(early, "2024-06-01T09:59:59.500000Z");
        assert!(early < late);
        assert!(is_fixed_form(&early));
    }

    #[test]
    fn operators_compare_as_documented() {
        assert!(filter(Field::Status, "active").admits_text("active"));
        assert!(!filter(Field::Status, "ne:active").admits_text("active"));
        assert!(filter(Field::Id, "gt:b").admits_text("c"));
        assert!(!filter(Field::Id, "gt:b").admits_text("b"));
        assert!(filter(Field::Id, "lt:b").admits_text("a"));
        assert!(filter(Field::Identifier, "like:EXAMPLE").admits_text("ada@example.com"));
        assert!(!filter(Field::Identifier, "not_like:ample").admits_text("ada@example.com"));
        // A value with a colon but no known prefix is an exact match on all of it.
        assert!(filter(Field::Id, "a:b").admits_text("a:b"));
        assert!(filter(Field::LoginCount, "gt:2").admits_count(3));
        assert!(!filter(Field::LoginCount, "lt:2").admits_count(2));
        assert!(filter(Field::LoginCount, "ne:2").admits_count(1));
        let several = ["ada", "ada@example.com"];
        assert!(filter(Field::Identifier, "ada").admits_any_text(several.into_iter()));
        assert!(!filter(Field::Identifier, "ne:ada").admits_any_text(several.into_iter()));
    }

    #[test]
    fn refusals_name_the_parameter() {
        for (query, name) in [
            ("limit=501", "limit"),
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("page=0", "page"),
            ("created_before=-1", "created_before"),
            ("login_count=like:1", "login_count"),
            ("login_count=-1", "login_count"),
            ("login_count=1234567890", "login_count"),
            ("created_at=not_like:2024", "created_at"),
            ("updated_at=gt:2024-06-01", "updated_at"),
            ("order_by=identifier:ASC", "order_by"),
            ("order_by=id:asc", "order_by"),
            ("order_by=id:ASC,", "order_by"),
            ("order_by=", "order_by"),
        ] {
            let failure = ListQuery::parse(Some(query), 0).expect_err(query);
            assert_eq!((failure.status(), failure.code()), (400, "invalid_request"));
            assert!(failure.message().starts_with(name), "{query}: {failure}");
        }
    }
}
