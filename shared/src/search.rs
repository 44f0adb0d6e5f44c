//! How customers are found by what a person types: part of a Chinese or English name,
//! a unified social credit code, or a customer number.
//!
//! The server stores the terms from [`index_terms`] under a key it can range-query with
//! `begins_with`, and normalises the typed query with [`normalise_query`]; both sides use
//! the same [`normalise`] so they always agree. Substring search on names works because
//! every suffix of a name is indexed: "华为" is a prefix of a suffix of "深圳华为技术有限公司".

/// Longest query we accept, in characters.
pub const MAX_QUERY_CHARS: usize = 64;

/// Suffixes shorter than this are not indexed (except whole short names): a single
/// Latin letter would match nearly everything and only bloat the index.
const MIN_LATIN_SUFFIX: usize = 2;

/// Lower-cases, and drops whitespace and punctuation (ASCII and full-width), so
/// "Shenzhen  Huawei, Ltd." and "shenzhenhuaweiltd" are the same text.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("type at least one letter or digit")]
    Empty,
    #[error("must be at most {MAX_QUERY_CHARS} characters")]
    TooLong,
}

/// The normalised form of a search box's text.
pub fn normalise_query(raw: &str) -> Result<String, QueryError> {
    if raw.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    let q = normalise(raw);
    if q.is_empty() {
        Err(QueryError::Empty)
    } else {
        Ok(q)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Every term under which a customer should be found. Deduplicated and sorted.
pub fn index_terms(
    name: &str,
    name_en: Option<&str>,
    number: &str,
    code: Option<&str>,
) -> Vec<String> {
    let mut terms = Vec::new();
    for text in std::iter::once(name).chain(name_en) {
        let n: Vec<char> = normalise(text).chars().collect();
        for start in 0..n.len() {
            let suffix: String = n[start..].iter().collect();
            let cjk_start = is_cjk(n[start]);
            // Latin text: index suffixes that start a word, and any suffix long enough.
            let word_start = start == 0 || text_word_starts(text).contains(&start);
            if cjk_start || word_start || n.len() - start >= MIN_LATIN_SUFFIX {
                terms.push(suffix);
            }
        }
    }
    terms.push(normalise(number));
    if let Some(code) = code {
        terms.push(normalise(code));
    }
    terms.retain(|t| !t.is_empty());
    terms.sort();
    terms.dedup();
    terms
}

/// Positions (in normalised characters) where a word starts in `text`.
fn text_word_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut pos = 0;
    let mut prev_kept = false;
    for c in text.chars() {
        let kept = c.is_alphanumeric();
        if kept {
            if !prev_kept {
                starts.push(pos);
            }
            pos += c.to_lowercase().count();
        }
        prev_kept = kept;
    }
    starts
}

/// Whether a customer with these index terms matches a normalised query.
pub fn matches(terms: &[String], query: &str) -> bool {
    terms.iter().any(|t| t.starts_with(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Vec<String> {
        index_terms(
            "深圳华为技术有限公司",
            Some("Huawei Technologies Co., Ltd."),
            "C-00042",
            Some("914403001922038216"),
        )
    }

    #[test]
    fn part_of_a_chinese_name_finds_the_customer() {
        let q = normalise_query("华为").unwrap();
        assert!(matches(&terms(), &q));
    }

    #[test]
    fn a_word_of_the_english_name_in_any_case_finds_the_customer() {
        let q = normalise_query("TECHNOLOGIES").unwrap();
        assert!(matches(&terms(), &q));
    }

    #[test]
    fn the_start_of_a_credit_code_or_number_finds_the_customer() {
        assert!(matches(&terms(), &normalise_query("91440300").unwrap()));
        assert!(matches(&terms(), &normalise_query("c-0004").unwrap()));
    }

    #[test]
    fn text_that_is_not_in_the_name_does_not_match() {
        assert!(!matches(&terms(), &normalise_query("阿里巴巴").unwrap()));
    }

    #[test]
    fn punctuation_only_queries_are_rejected() {
        assert_eq!(normalise_query(" ,. "), Err(QueryError::Empty));
        assert_eq!(normalise_query(&"a".repeat(65)), Err(QueryError::TooLong));
    }

    #[test]
    fn full_width_punctuation_is_ignored() {
        assert_eq!(normalise("华为（深圳）"), "华为深圳");
    }
}
