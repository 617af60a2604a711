//! The names of a rules document's fields, listed once: the parser refuses any other, the
//! contest editor writes these, and the fuzz targets take the required ones out one by one.

/// The fields that may be left out (each with its default): the end of [`FIELDS`].
pub const OPTIONAL: [&str; 4] = ["publish_ideas", "aggregation", "tracks", "rounds"];

/// Every field a rules document may hold, the required ones first, then [`OPTIONAL`]. The one
/// list of them: the parser refuses any other, the contest editor writes these, and the fuzz
/// targets take them out one by one.
pub const FIELDS: [&str; 18] = [
    "opens_at",
    "submission_deadline",
    "judging_deadline",
    "criteria",
    "currency",
    "prizes",
    "minimum_score",
    "fallback",
    "no_entry_beneficiary",
    "max_ideas_per_person",
    "blind_judging",
    "eligibility",
    "ip_terms",
    "min_jurors",
    "publish_ideas",
    "aggregation",
    "tracks",
    "rounds",
];

/// The fields every rules document must hold: [`FIELDS`] without [`OPTIONAL`].
pub const REQUIRED: &[&str] = FIELDS.split_at(FIELDS.len() - OPTIONAL.len()).0;
