//! Closed labels: enums with a fixed value list, combined into a dense index.

/// The value every open label of a family's overflow series carries.
///
/// When a family already keeps `max_values` distinct values of one of its open labels, a
/// lookup with yet another value records into the family's overflow series, whose open
/// labels are all `__overflow__` (closed labels keep their values), and the family's
/// [`overflow_count`](crate::Family::overflow_count) goes up by one. A lookup whose open
/// values are all `__overflow__` records into the overflow series too, without counting.
pub const OVERFLOW_VALUE: &str = "__overflow__";

/// A closed label: an enum whose variants are the label's values.
///
/// Generated code implements it for every closed label of the catalogue:
///
/// ```
/// use metrics_schema_runtime::ClosedLabel;
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// pub enum FinishedReason { Stop, Length, Abort, Error, Repetition }
///
/// impl ClosedLabel for FinishedReason {
///     const VALUES: &'static [&'static str] = &["stop", "length", "abort", "error", "repetition"];
///     fn index(self) -> usize {
///         self as usize
///     }
/// }
/// assert_eq!(FinishedReason::Abort.index(), 2);
/// ```
pub trait ClosedLabel: Copy + Send + Sync + 'static {
    /// The exposed values, indexed by [`ClosedLabel::index`].
    const VALUES: &'static [&'static str];
    /// The position of this value in [`ClosedLabel::VALUES`]; must be smaller than
    /// `VALUES.len()` (a larger index panics when recording).
    fn index(self) -> usize;
}

/// A combination of closed labels in catalogue order, mapped to one dense index (mixed
/// radix: the first label is the most significant digit).
///
/// Implemented for `()` (no closed label), for every [`ClosedLabel`] and for tuples of up
/// to six of them.
///
/// ```
/// use metrics_schema_runtime::{ClosedLabel, ClosedLabels};
/// # #[derive(Clone, Copy)] enum Dir { Rx, Tx }
/// # impl ClosedLabel for Dir {
/// #     const VALUES: &'static [&'static str] = &["rx", "tx"];
/// #     fn index(self) -> usize { self as usize }
/// # }
/// # #[derive(Clone, Copy)] enum Kind { A, B, C }
/// # impl ClosedLabel for Kind {
/// #     const VALUES: &'static [&'static str] = &["a", "b", "c"];
/// #     fn index(self) -> usize { self as usize }
/// # }
/// assert_eq!(<(Dir, Kind)>::CARDINALITY, 6);
/// assert_eq!((Dir::Tx, Kind::B).dense_index(), 1 * 3 + 1);
/// ```
pub trait ClosedLabels: Copy + Send + Sync + 'static {
    /// The value lists of the closed labels, in order.
    const LISTS: &'static [&'static [&'static str]];
    /// The number of combinations: the product of the value counts.
    const CARDINALITY: usize;
    /// The combination's index in `0..CARDINALITY`.
    fn dense_index(self) -> usize;
}

impl ClosedLabels for () {
    const LISTS: &'static [&'static [&'static str]] = &[];
    const CARDINALITY: usize = 1;
    #[inline(always)]
    fn dense_index(self) -> usize {
        0
    }
}

impl<A: ClosedLabel> ClosedLabels for A {
    const LISTS: &'static [&'static [&'static str]] = &[A::VALUES];
    const CARDINALITY: usize = A::VALUES.len();
    #[inline(always)]
    fn dense_index(self) -> usize {
        self.index()
    }
}

macro_rules! tuple_closed {
    ($($t:ident $v:ident),+) => {
        impl<$($t: ClosedLabel),+> ClosedLabels for ($($t,)+) {
            const LISTS: &'static [&'static [&'static str]] = &[$($t::VALUES),+];
            const CARDINALITY: usize = 1 $(* $t::VALUES.len())+;
            #[inline(always)]
            fn dense_index(self) -> usize {
                let ($($v,)+) = self;
                let mut index = 0;
                $(index = index * $t::VALUES.len() + $v.index();)+
                index
            }
        }
    };
}

tuple_closed!(A a);
tuple_closed!(A a, B b);
tuple_closed!(A a, B b, C c);
tuple_closed!(A a, B b, C c, D d);
tuple_closed!(A a, B b, C c, D d, E e);
tuple_closed!(A a, B b, C c, D d, E e, F f);

/// The values of combination `index` (inverse of [`ClosedLabels::dense_index`]).
pub(crate) fn decode(lists: &[&'static [&'static str]], mut index: usize) -> Vec<&'static str> {
    let mut values = vec![""; lists.len()];
    for (slot, list) in values.iter_mut().zip(lists).rev() {
        let radix = list.len().max(1);
        *slot = list.get(index % radix).copied().unwrap_or("");
        index /= radix;
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum Two {
        X,
        Y,
    }
    impl ClosedLabel for Two {
        const VALUES: &'static [&'static str] = &["x", "y"];
        fn index(self) -> usize {
            self as usize
        }
    }
    #[derive(Clone, Copy)]
    enum Three {
        A,
        B,
        C,
    }
    impl ClosedLabel for Three {
        const VALUES: &'static [&'static str] = &["a", "b", "c"];
        fn index(self) -> usize {
            self as usize
        }
    }

    #[test]
    fn mixed_radix_round_trips() {
        type Pair = (Three, Two);
        assert_eq!(Pair::CARDINALITY, 6);
        let all = [
            (Three::A, Two::X),
            (Three::A, Two::Y),
            (Three::B, Two::X),
            (Three::B, Two::Y),
            (Three::C, Two::X),
            (Three::C, Two::Y),
        ];
        for (expected, combo) in all.into_iter().enumerate() {
            let index = combo.dense_index();
            assert_eq!(index, expected);
            let values = decode(Pair::LISTS, index);
            assert_eq!(
                values,
                [Three::VALUES[combo.0.index()], Two::VALUES[combo.1.index()]]
            );
        }
        assert_eq!(<()>::CARDINALITY, 1);
        assert_eq!(Two::Y.dense_index(), 1);
        assert_eq!(<(Two, Two, Three)>::CARDINALITY, 12);
        assert_eq!((Two::Y, Two::X, Three::C).dense_index(), 6 + 2);
    }
}
