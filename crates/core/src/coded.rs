//! `coded_enum!`: an enum whose values have stable snake_case codes, stored in the database,
//! sent over the wire and to the UI (with `ALL`, `code` and `from_code`). Never change a code
//! casually: stored rows and other seats still hold it.

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and sent over the wire.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a stored code.
            pub fn from_code(code: &str) -> $crate::Result<Self> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::Error::Invalid(format!(concat!("unknown ", stringify!($name), " {:?}"), other))),
                }
            }
        }
    };
}
