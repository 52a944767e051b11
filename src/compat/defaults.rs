//! Field default values for FIELD_SAME_DEFAULT: parsed from the
//! descriptor's `default_value` text, compared across types the way buf
//! does (strings with strings, numbers by value), and printed as Go's `%v`
//! prints them, since that is what buf's messages contain.

use crate::descriptor::field_descriptor_proto::Type;
use crate::syntax::lexer::unescape_c;

use super::model::{Fld, Side};
use super::q;

/// A default value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// string and bytes
    Bytes(Vec<u8>),
    Bool(bool),
    Int(i128),
    F32(f32),
    F64(f64),
}

impl Value {
    /// Go's reflect zero test (negative zero is not zero).
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Bytes(b) => b.is_empty(),
            Value::Bool(b) => !b,
            Value::Int(i) => *i == 0,
            Value::F32(f) => f.to_bits() == 0,
            Value::F64(f) => f.to_bits() == 0,
        }
    }

    /// buf's leniency: strings and bytes compare by content, numbers (bool
    /// and enum included) by value, float against double in single
    /// precision.
    pub fn same(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Bytes(a), Bytes(b)) => a == b,
            (Bytes(_), _) | (_, Bytes(_)) => false,
            (F32(a), F64(b)) | (F64(b), F32(a)) => (a.is_nan() && b.is_nan()) || *a == *b as f32,
            _ => {
                let (a, b) = (self.as_f64_or_int(), other.as_f64_or_int());
                match (a, b) {
                    (Num::I(x), Num::I(y)) => x == y,
                    (Num::F(x), Num::F(y)) => (x.is_nan() && y.is_nan()) || x == y,
                    (Num::I(i), Num::F(f)) | (Num::F(f), Num::I(i)) => {
                        !f.is_nan() && f.fract() == 0.0 && f.abs() < 1e38 && f as i128 == i
                    }
                }
            }
        }
    }

    fn as_f64_or_int(&self) -> Num {
        match self {
            Value::Bool(b) => Num::I(*b as i128),
            Value::Int(i) => Num::I(*i),
            Value::F32(f) => Num::F(*f as f64),
            Value::F64(f) => Num::F(*f),
            Value::Bytes(_) => Num::I(0),
        }
    }
}

enum Num {
    I(i128),
    F(f64),
}

/// A default and how buf prints it.
pub struct Default {
    pub value: Value,
    pub printable: String,
}

/// The default of a field that can have one (singular, not a message).
pub fn default_of(side: &Side, f: &Fld) -> Default {
    let text = f.d.default_value.as_deref();
    let kind = side.kind(f);
    match kind {
        Type::TYPE_BYTES => {
            let data = text.map(unescape_c).unwrap_or_default();
            let printable = format!(
                "[{}]",
                data.iter()
                    .map(|b| format!("0x{b:X}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            Default {
                value: Value::Bytes(data),
                printable,
            }
        }
        Type::TYPE_STRING => {
            let s = text.unwrap_or("");
            Default {
                value: Value::Bytes(s.as_bytes().to_vec()),
                printable: q(s),
            }
        }
        Type::TYPE_ENUM => {
            let e = side.enum_by_type_name(f.type_name());
            let (number, printable) = match e {
                Some(e) => {
                    let v = match text {
                        Some(name) => e.d.value.iter().find(|v| v.name() == name),
                        None => e.d.value.first(),
                    };
                    match v {
                        Some(v) => (
                            v.number.unwrap_or(0),
                            format!("{}.{}", e.d.name(), v.name()),
                        ),
                        None => (0, format!("{}.0(?)", e.d.name())),
                    }
                }
                None => (0, text.unwrap_or("").to_string()),
            };
            Default {
                value: Value::Int(number as i128),
                printable,
            }
        }
        Type::TYPE_BOOL => {
            let b = text == Some("true");
            Default {
                value: Value::Bool(b),
                printable: b.to_string(),
            }
        }
        Type::TYPE_FLOAT => {
            let v = text.and_then(parse_float).unwrap_or(0.0) as f32;
            Default {
                value: Value::F32(v),
                printable: go_float(v as f64, true),
            }
        }
        Type::TYPE_DOUBLE => {
            let v = text.and_then(parse_float).unwrap_or(0.0);
            Default {
                value: Value::F64(v),
                printable: go_float(v, false),
            }
        }
        _ => {
            let v = text
                .and_then(|t| t.trim().parse::<i128>().ok())
                .unwrap_or(0);
            Default {
                value: Value::Int(v),
                printable: v.to_string(),
            }
        }
    }
}

fn parse_float(t: &str) -> Option<f64> {
    let t = t.trim();
    match t {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" | "-nan" => Some(f64::NAN),
        _ => t.parse().ok(),
    }
}

/// Go's `%v` for a float (strconv's 'g' with shortest digits): exponent
/// form when the decimal exponent is below -4 or at least 6.
pub fn go_float(v: f64, single: bool) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest round-trip digits and exponent, from Rust's `{:e}`.
    let e = if single {
        format!("{:e}", v as f32)
    } else {
        format!("{v:e}")
    };
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    // Plain decimal.
    let point = exp + 1; // digits before the point
    let s = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(point as usize - digits.len()))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{a}.{b}")
    };
    format!("{sign}{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_formatting() {
        assert_eq!(go_float(1.5, false), "1.5");
        assert_eq!(go_float(1e6, false), "1e+06");
        assert_eq!(go_float(123456.0, false), "123456");
        assert_eq!(go_float(1e-7, false), "1e-07");
        assert_eq!(go_float(0.0001, false), "0.0001");
        assert_eq!(go_float(123456789.0, false), "1.23456789e+08");
        assert_eq!(go_float(-2.5, false), "-2.5");
        assert_eq!(go_float(f64::INFINITY, false), "+Inf");
        assert_eq!(go_float(0.1f32 as f64, true), "0.1");
    }

    #[test]
    fn c_unescape() {
        assert_eq!(unescape_c("a\\001\\377\\n"), vec![b'a', 1, 255, b'\n']);
    }

    #[test]
    fn lenient_comparison() {
        assert!(Value::Int(1).same(&Value::Bool(true)));
        assert!(Value::F32(0.1).same(&Value::F64(0.1)));
        assert!(!Value::Bytes(b"1".to_vec()).same(&Value::Int(1)));
        assert!(Value::F64(f64::NAN).same(&Value::F64(f64::NAN)));
    }
}
