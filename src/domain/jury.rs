//! The jury's rules: conflicts of interest, blind numbering of entries, balanced assignment,
//! and what a valid score sheet is.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::canonical::sha256_hex;
use super::rules::Criterion;

/// Mail providers anyone can use: sharing one says nothing about who you work with.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.fr",
    "live.com",
    "live.fr",
    "msn.com",
    "yahoo.com",
    "yahoo.fr",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "gmx.fr",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "bbox.fr",
    "neuf.fr",
    "t-online.de",
    "fastmail.com",
    "tutanota.com",
    "hey.com",
    "qq.com",
    "163.com",
    "example.org",
    "example.com",
    "example.net",
];

pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain.to_ascii_lowercase().as_str())
}

/// A conflict of interest the platform sees by itself: the juror wrote the entry, or both work
/// under the same (non-public) mail domain.
pub fn detected_conflict(
    juror_user_id: &str,
    juror_email: &str,
    author_id: &str,
    author_email: &str,
) -> bool {
    if juror_user_id == author_id {
        return true;
    }
    // The domain of the parsed address: a stored string that is not a bare address (written
    // before addresses were parsed strictly) has no domain to compare.
    let domain = |email: &str| {
        super::account::Email::parse(email)
            .ok()
            .map(|e| e.domain().to_owned())
    };
    match (domain(juror_email), domain(author_email)) {
        (Some(a), Some(b)) => a == b && !is_public_mail_domain(&a),
        _ => false,
    }
}

/// The id jurors know an entry by: stable, and telling nothing of the idea's id (whose UUIDv7
/// would reveal when it was submitted). Keyed with a server secret (`salt`), so that nobody who
/// learns an idea's id can compute which entry it is.
pub fn entry_id(salt: &str, contest_id: &str, idea_id: &str) -> String {
    sha256_hex(format!("entry:{salt}:{contest_id}:{idea_id}").as_bytes())[..32].to_owned()
}

/// The entries in a shuffled order that is stable for the contest and unrelated to submission
/// order; an entry's number is its position + 1.
pub fn blind_order<'a>(contest_id: &str, idea_ids: &[&'a str]) -> Vec<&'a str> {
    let mut keyed: Vec<(String, &str)> = idea_ids
        .iter()
        .map(|id| {
            (
                sha256_hex(format!("order:{contest_id}:{id}").as_bytes()),
                *id,
            )
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// Assigns each entry to `per_entry` jurors (fewer when not enough are free of conflict),
/// always choosing the least loaded, so that loads differ by at most one when nobody is
/// conflicted. Deterministic for the same input.
pub fn assign(
    entries: &[String],
    jurors: &[String],
    conflicts: &HashSet<(String, String)>,
    per_entry: usize,
) -> Vec<(String, String)> {
    let mut load: HashMap<&str, usize> = jurors.iter().map(|j| (j.as_str(), 0)).collect();
    let mut pairs = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut candidates: Vec<(usize, usize, &str)> = jurors
            .iter()
            .enumerate()
            .filter(|(_, j)| !conflicts.contains(&((*j).clone(), entry.clone())))
            // Rotate the tie-break so equal loads do not always favour the first jurors.
            .map(|(k, j)| {
                (
                    load[j.as_str()],
                    (k + jurors.len() - i % jurors.len().max(1)) % jurors.len().max(1),
                    j.as_str(),
                )
            })
            .collect();
        candidates.sort();
        for (_, _, juror) in candidates.into_iter().take(per_entry) {
            *load.get_mut(juror).expect("known juror") += 1;
            pairs.push((juror.to_owned(), entry.clone()));
        }
    }
    pairs
}

/// One problem with a score sheet, under `scores.<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub path: String,
    pub message: String,
}

/// Checks a sheet: every criterion scored, no other key, each an integer in `0..=max`.
pub fn check_sheet(
    criteria: &[Criterion],
    scores: &BTreeMap<String, i64>,
) -> Result<(), Vec<SheetError>> {
    let mut errors = Vec::new();
    for criterion in criteria {
        match scores.get(&criterion.key) {
            None => errors.push(SheetError {
                path: format!("scores.{}", criterion.key),
                message: format!("Score {} from 0 to {}.", criterion.label, criterion.max),
            }),
            Some(value) if !(0..=i64::from(criterion.max)).contains(value) => {
                errors.push(SheetError {
                    path: format!("scores.{}", criterion.key),
                    message: format!("{} is scored from 0 to {}.", criterion.label, criterion.max),
                })
            }
            Some(_) => {}
        }
    }
    for key in scores.keys() {
        if !criteria.iter().any(|c| &c.key == key) {
            errors.push(SheetError {
                path: format!("scores.{key}"),
                message: "This contest has no such criterion.".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion {
                key: "impact".into(),
                label: "Impact".into(),
                weight: 3,
                max: 10,
                description: None,
            },
            Criterion {
                key: "cost".into(),
                label: "Cost".into(),
                weight: 1,
                max: 5,
                description: None,
            },
        ]
    }

    fn sheet(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn sheets_are_checked_at_the_edges() {
        assert!(check_sheet(&criteria(), &sheet(&[("impact", 0), ("cost", 0)])).is_ok());
        assert!(check_sheet(&criteria(), &sheet(&[("impact", 10), ("cost", 5)])).is_ok());
        let paths = |s| {
            check_sheet(&criteria(), &s)
                .unwrap_err()
                .into_iter()
                .map(|e| e.path)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            paths(sheet(&[("impact", 11), ("cost", 5)])),
            ["scores.impact"]
        );
        assert_eq!(
            paths(sheet(&[("impact", -1), ("cost", 5)])),
            ["scores.impact"]
        );
        assert_eq!(paths(sheet(&[("impact", 1)])), ["scores.cost"]);
        assert_eq!(
            paths(sheet(&[("impact", 1), ("cost", 1), ("charm", 3)])),
            ["scores.charm"]
        );
    }

    #[test]
    fn conflicts_are_detected() {
        assert!(detected_conflict(
            "u1",
            "a@acme.example",
            "u1",
            "a@acme.example"
        ));
        assert!(detected_conflict(
            "u1",
            "ann@Acme.example",
            "u2",
            "bob@acme.example"
        ));
        assert!(!detected_conflict(
            "u1",
            "ann@gmail.com",
            "u2",
            "bob@gmail.com"
        ));
        assert!(!detected_conflict(
            "u1",
            "ann@acme.example",
            "u2",
            "bob@other.example"
        ));
    }

    #[test]
    fn entry_ids_and_order_hide_the_idea_ids() {
        let id = entry_id("salt", "c1", "01a2-idea");
        assert_eq!(id.len(), 32);
        assert!(!id.contains("01a2"));
        assert_ne!(entry_id("salt", "c1", "i1"), entry_id("salt", "c2", "i1"));
        assert_ne!(entry_id("salt", "c1", "i1"), entry_id("other", "c1", "i1"));
        let ids = ["a", "b", "c", "d", "e", "f"];
        let order = blind_order("c1", &ids);
        assert_eq!(
            order,
            blind_order("c1", &["f", "e", "d", "c", "b", "a"]),
            "stable whatever the input order"
        );
        assert_ne!(order, ids, "not the submission order");
    }

    proptest! {
        #[test]
        fn assignment_covers_balances_and_avoids_conflicts(
            entries in 0usize..40, jurors in 1usize..8, per_entry in 1usize..5,
            conflict_bits in prop::collection::vec(any::<bool>(), 320),
        ) {
            let entries: Vec<String> = (0..entries).map(|i| format!("e{i}")).collect();
            let jurors: Vec<String> = (0..jurors).map(|i| format!("j{i}")).collect();
            // Without conflicts: every entry gets min(k, jurors) reviews and loads differ by <= 1.
            let pairs = assign(&entries, &jurors, &HashSet::new(), per_entry);
            for e in &entries {
                let n = pairs.iter().filter(|(_, x)| x == e).count();
                prop_assert_eq!(n, per_entry.min(jurors.len()));
            }
            let loads: Vec<usize> = jurors.iter().map(|j| pairs.iter().filter(|(x, _)| x == j).count()).collect();
            prop_assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1, "{:?}", loads);
            let unique: HashSet<_> = pairs.iter().collect();
            prop_assert_eq!(unique.len(), pairs.len());

            // With conflicts: none assigned, and every entry gets as many as it can.
            let mut conflicts = HashSet::new();
            for (i, e) in entries.iter().enumerate() {
                for (k, j) in jurors.iter().enumerate() {
                    if conflict_bits[(i * 8 + k) % conflict_bits.len()] && (i + k) % 3 == 0 {
                        conflicts.insert((j.clone(), e.clone()));
                    }
                }
            }
            let pairs = assign(&entries, &jurors, &conflicts, per_entry);
            for (j, e) in &pairs {
                prop_assert!(!conflicts.contains(&(j.clone(), e.clone())));
            }
            for e in &entries {
                let free = jurors.iter().filter(|j| !conflicts.contains(&((*j).clone(), e.clone()))).count();
                let n = pairs.iter().filter(|(_, x)| x == e).count();
                prop_assert_eq!(n, per_entry.min(free));
            }
        }
    }
}
