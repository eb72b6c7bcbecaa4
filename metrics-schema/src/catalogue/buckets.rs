//! Histogram bucket bounds: explicit arrays and generators.

use std::fmt;

pub use crate::lifecycle::exposition::MAX_BUCKETS;
use crate::lifecycle::exposition::{BoundsError, check_bounds};

/// Bucket bounds as written: an array or a generator.
#[derive(Clone, Debug, PartialEq)]
pub enum BucketSpec {
    /// Explicit upper bounds. `+inf` may only come last (it is implied otherwise).
    Bounds(Vec<f64>),
    /// `count` bounds `start, start*factor, start*factor^2, ...`.
    Exponential {
        /// The first bound, `> 0`.
        start: f64,
        /// The ratio between bounds, `> 1`.
        factor: f64,
        /// The number of bounds, `>= 1`.
        count: i64,
    },
    /// `count` bounds `start, start+width, start+2*width, ...`.
    Linear {
        /// The first bound.
        start: f64,
        /// The distance between bounds, `> 0`.
        width: f64,
        /// The number of bounds, `>= 1`.
        count: i64,
    },
}

/// Why bucket bounds are invalid (`invalid-buckets`).
#[derive(Clone, Debug, PartialEq)]
pub enum BucketError {
    /// No bounds (besides `+inf`).
    Empty,
    /// A bound is NaN.
    NaN {
        /// Its index in the array.
        index: usize,
    },
    /// `+inf` before the last position, or `-inf`.
    Infinite {
        /// Its index in the array.
        index: usize,
    },
    /// A bound is not greater than the one before it.
    NotIncreasing {
        /// Its index in the array.
        index: usize,
        /// The bound before it.
        previous: f64,
        /// The bound.
        bound: f64,
    },
    /// A generator's `count` is below 1 or above [`MAX_BUCKETS`].
    Count(i64),
    /// An exponential generator's `start` is not a positive finite number.
    Start(f64),
    /// An exponential generator's `factor` is not a finite number above 1.
    Factor(f64),
    /// A linear generator's `width` is not a positive finite number, or its start is not
    /// finite.
    Width(f64),
    /// A generator's bounds grow past the largest finite number or stop increasing.
    Overflow,
}

impl fmt::Display for BucketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BucketError::Empty => f.write_str("bucket bounds are empty"),
            BucketError::NaN { index } => BoundsError::NaN { index: *index }.fmt(f),
            BucketError::Infinite { index } => BoundsError::Infinite { index: *index }.fmt(f),
            BucketError::NotIncreasing {
                index,
                previous,
                bound,
            } => BoundsError::NotIncreasing {
                index: *index,
                previous: *previous,
                bound: *bound,
            }
            .fmt(f),
            BucketError::Count(count) => write!(
                f,
                "generator count {count} is out of range: it must be between 1 and {MAX_BUCKETS}"
            ),
            BucketError::Start(start) => write!(
                f,
                "exponential start {start} must be a finite number greater than 0"
            ),
            BucketError::Factor(factor) => write!(
                f,
                "exponential factor {factor} must be a finite number greater than 1"
            ),
            BucketError::Width(width) => write!(
                f,
                "linear width {width} must be a finite number greater than 0 (and start finite)"
            ),
            BucketError::Overflow => f.write_str("generated bounds overflow to infinity"),
        }
    }
}

impl BucketSpec {
    /// The upper bounds without the implied `+Inf`, or why they are invalid.
    pub fn bounds(&self) -> Result<Vec<f64>, BucketError> {
        match self {
            BucketSpec::Bounds(bounds) => explicit(bounds),
            BucketSpec::Exponential {
                start,
                factor,
                count,
            } => {
                let count = count_of(*count)?;
                if !(start.is_finite() && *start > 0.0) {
                    return Err(BucketError::Start(*start));
                }
                if !(factor.is_finite() && *factor > 1.0) {
                    return Err(BucketError::Factor(*factor));
                }
                let mut bounds = Vec::with_capacity(count);
                let mut bound = *start;
                for _ in 0..count {
                    bounds.push(bound);
                    bound *= factor;
                }
                generated(bounds)
            }
            BucketSpec::Linear {
                start,
                width,
                count,
            } => {
                let count = count_of(*count)?;
                if !(width.is_finite() && *width > 0.0 && start.is_finite()) {
                    return Err(BucketError::Width(*width));
                }
                let bounds = (0..count).map(|i| start + (i as f64) * width).collect();
                generated(bounds)
            }
        }
    }
}

fn count_of(count: i64) -> Result<usize, BucketError> {
    if (1..=MAX_BUCKETS).contains(&count) {
        usize::try_from(count).map_err(|_| BucketError::Count(count))
    } else {
        Err(BucketError::Count(count))
    }
}

fn explicit(bounds: &[f64]) -> Result<Vec<f64>, BucketError> {
    let finite = check_bounds(bounds).map_err(BucketError::from)?;
    if finite.is_empty() {
        return Err(BucketError::Empty);
    }
    Ok(finite.to_vec())
}

impl From<BoundsError> for BucketError {
    fn from(error: BoundsError) -> Self {
        match error {
            BoundsError::NaN { index } => BucketError::NaN { index },
            BoundsError::Infinite { index } => BucketError::Infinite { index },
            BoundsError::NotIncreasing {
                index,
                previous,
                bound,
            } => BucketError::NotIncreasing {
                index,
                previous,
                bound,
            },
        }
    }
}

fn generated(bounds: Vec<f64>) -> Result<Vec<f64>, BucketError> {
    // A generator whose bounds reach infinity or stop increasing has overflowed.
    match check_bounds(&bounds) {
        Ok(finite) if finite.len() == bounds.len() => Ok(bounds),
        _ => Err(BucketError::Overflow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_bounds() {
        let spec = BucketSpec::Bounds(vec![1.0, 2.0, f64::INFINITY]);
        assert_eq!(spec.bounds(), Ok(vec![1.0, 2.0]));
        let cases = [
            (vec![], BucketError::Empty),
            (vec![f64::INFINITY], BucketError::Empty),
            (vec![1.0, f64::NAN], BucketError::NaN { index: 1 }),
            (
                vec![1.0, f64::INFINITY, 3.0],
                BucketError::Infinite { index: 1 },
            ),
            (
                vec![f64::NEG_INFINITY, 1.0],
                BucketError::Infinite { index: 0 },
            ),
            (
                vec![1.0, 1.0],
                BucketError::NotIncreasing {
                    index: 1,
                    previous: 1.0,
                    bound: 1.0,
                },
            ),
        ];
        for (bounds, want) in cases {
            assert_eq!(
                BucketSpec::Bounds(bounds.clone()).bounds(),
                Err(want),
                "{bounds:?}"
            );
        }
    }

    #[test]
    fn generators() {
        let exp = BucketSpec::Exponential {
            start: 1.0,
            factor: 2.0,
            count: 4,
        };
        assert_eq!(exp.bounds(), Ok(vec![1.0, 2.0, 4.0, 8.0]));
        let lin = BucketSpec::Linear {
            start: 0.0,
            width: 10.0,
            count: 3,
        };
        assert_eq!(lin.bounds(), Ok(vec![0.0, 10.0, 20.0]));
        let bad = [
            (
                BucketSpec::Linear {
                    start: 0.0,
                    width: 1.0,
                    count: 0,
                },
                BucketError::Count(0),
            ),
            (
                BucketSpec::Linear {
                    start: 0.0,
                    width: 1.0,
                    count: MAX_BUCKETS + 1,
                },
                BucketError::Count(MAX_BUCKETS + 1),
            ),
            (
                BucketSpec::Linear {
                    start: 0.0,
                    width: 0.0,
                    count: 2,
                },
                BucketError::Width(0.0),
            ),
            (
                BucketSpec::Exponential {
                    start: 0.0,
                    factor: 2.0,
                    count: 2,
                },
                BucketError::Start(0.0),
            ),
            (
                BucketSpec::Exponential {
                    start: 1.0,
                    factor: 1.0,
                    count: 2,
                },
                BucketError::Factor(1.0),
            ),
            (
                BucketSpec::Exponential {
                    start: 1e300,
                    factor: 1e10,
                    count: 3,
                },
                BucketError::Overflow,
            ),
            (
                // Too small a width to make a difference at this magnitude.
                BucketSpec::Linear {
                    start: 1e20,
                    width: 1.0,
                    count: 2,
                },
                BucketError::Overflow,
            ),
        ];
        for (spec, want) in bad {
            assert_eq!(spec.bounds(), Err(want), "{spec:?}");
        }
    }
}
