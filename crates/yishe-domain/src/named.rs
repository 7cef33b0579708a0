//! Enums with stable names: the text stored, filtered on, put in metric labels and
//! matched against the contract's enum names. One macro declares the variants and
//! their names together, so the two lists cannot drift apart.

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in storage, filters and metric labels.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl $crate::named::Named for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn parse(text: &str) -> Option<Self> {
                Self::parse(text)
            }

            fn as_str(self) -> &'static str {
                Self::as_str(self)
            }
        }
    };
}

pub(crate) use named_enum;

/// What every `named_enum!` offers, for code that parses any of them.
pub trait Named: Copy + 'static {
    fn all() -> &'static [Self];
    fn parse(text: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
}
