//! The statuses things pass through (an idea, a juror's invitation, a funding, a payout), as
//! types: each is stored as its snake_case text (the database checks the same list) and shown
//! to clients as that text, but compared in code as an enum, so that a misspelt status is a
//! compile error rather than a branch never taken.
//!
//! `status_enum!` writes the enum and its conversions: `as_str`, `parse`, `Display`, and the
//! `TryFrom<String>` / `Into<String>` pair the store reads and writes rows with.

/// Declares a status enum: `status_enum!(Name "what it is" { Variant = "text", ... })`.
macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every status, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The status as stored and as clients read it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                match raw {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// How the store reads a row: a text the database's check did not allow is an error,
        /// never a silent default.
        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<$name, String> {
                $name::parse(&raw).ok_or_else(|| format!(concat!("unknown ", $what, " {:?}"), raw))
            }
        }

        impl From<$name> for String {
            fn from(status: $name) -> String {
                status.as_str().to_owned()
            }
        }
    };
}

pub(crate) use status_enum;

// The idea's status is `domain::ideas::Status`, next to the rules about ideas.

status_enum!(
    /// A juror's invitation: sent, or accepted by the invited account.
    JurorStatus "juror status" {
        Invited = "invited",
        Accepted = "accepted",
    }
);

status_enum!(
    /// A pledge of prize money: waiting for the admin to see the money, or confirmed.
    FundingStatus "funding status" {
        Pending = "pending",
        Confirmed = "confirmed",
    }
);

status_enum!(
    /// A prize payout: owed by the organisation, or marked paid.
    PayoutStatus "payout status" {
        Due = "due",
        Paid = "paid",
    }
);

status_enum!(
    /// A message of the outbox: waiting to go (or to be tried again), sent, given up on after
    /// its attempts, or skipped because its recipient turned its kind of mail off.
    MailStatus "mail status" {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
        Skipped = "skipped",
    }
);

status_enum!(
    /// Where the reader of an invitation link (to a jury, to an organisation) stands.
    InvitationOutcome "invitation outcome" {
        /// The invitation waits for an answer: the page asks.
        Ask = "ask",
        /// This reader accepted it already.
        Accepted = "accepted",
        /// No such invitation, or someone else accepted it: the page says the link is not
        /// valid.
        Invalid = "invalid",
    }
);

#[cfg(test)]
mod tests {
    status_enum!(Sample "sample status" { One = "one", TwoWords = "two_words" });

    #[test]
    fn text_serde_and_parse_agree() {
        for status in Sample::ALL {
            assert_eq!(Sample::parse(status.as_str()), Some(*status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
            assert_eq!(String::from(*status), status.to_string());
        }
        assert!(Sample::try_from("three".to_owned()).is_err());
    }
}
