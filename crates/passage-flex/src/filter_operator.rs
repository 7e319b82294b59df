//! The operators of Passage's user-list filters, the one place they are spelled: a filter value
//! that starts with one is read as that comparison (`status=ne:inactive`); a value without one
//! must match exactly.

/// One operator of Passage's user-list filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterOperator {
    NotEqual,
    GreaterThan,
    LessThan,
    Like,
    NotLike,
}

impl FilterOperator {
    /// Every operator Passage reads at the start of a filter value.
    pub(crate) const ALL: [FilterOperator; 5] = [
        FilterOperator::NotEqual,
        FilterOperator::GreaterThan,
        FilterOperator::LessThan,
        FilterOperator::Like,
        FilterOperator::NotLike,
    ];

    /// The prefix Passage reads, such as `ne:`.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            FilterOperator::NotEqual => "ne:",
            FilterOperator::GreaterThan => "gt:",
            FilterOperator::LessThan => "lt:",
            FilterOperator::Like => "like:",
            FilterOperator::NotLike => "not_like:",
        }
    }

    /// The filter value that compares by this operator with `value`.
    pub(crate) fn apply(self, value: &str) -> String {
        format!("{}{value}", self.prefix())
    }

    /// The operator `value` starts with, which Passage would read as that comparison.
    pub(crate) fn leading(value: &str) -> Option<FilterOperator> {
        Self::ALL
            .into_iter()
            .find(|operator| value.starts_with(operator.prefix()))
    }
}

#[cfg(test)]
mod tests {
    use super::FilterOperator;

    #[test]
    fn a_value_is_read_by_the_operator_it_starts_with() {
        assert_eq!(
            FilterOperator::leading("ne:inactive"),
            Some(FilterOperator::NotEqual)
        );
        assert_eq!(
            FilterOperator::leading("not_like:x"),
            Some(FilterOperator::NotLike)
        );
        assert_eq!(FilterOperator::leading("like:"), Some(FilterOperator::Like));
        // Only at the start, and only with the colon.
        assert_eq!(FilterOperator::leading("user_ne:1"), None);
        assert_eq!(FilterOperator::leading("gt"), None);
        assert_eq!(FilterOperator::leading(""), None);
    }

    #[test]
    fn apply_puts_the_prefix_before_the_value() {
        assert_eq!(FilterOperator::LessThan.apply("7"), "lt:7");
        assert_eq!(FilterOperator::NotLike.apply(""), "not_like:");
        for operator in FilterOperator::ALL {
            assert_eq!(
                FilterOperator::leading(&operator.apply("x")),
                Some(operator)
            );
        }
    }
}
