//! How customers are found by what a person types: part of a Chinese or English name,
//! a unified social credit code, or a customer number.
//!
//! The server stores the terms from [`index_terms`] under a key it can range-query with
//! `begins_with`, and normalises the typed query with [`normalise_query`]; both sides use
//! the same [`normalise`] so they always agree. Search inside Chinese names works because
//! every suffix of a name is indexed: "华为" is a prefix of a suffix of "深圳华为技术有限公司".
//! Latin names are found by the start of any word. What every company has (a company form
//! such as 有限公司 or "Co., Ltd.", a single character) is not indexed: it would find
//! everyone, and each term is one more write per customer.

/// Longest query we accept, in characters.
pub const MAX_QUERY_CHARS: usize = 64;

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

/// Company-form endings that nearly every name has: a suffix that is only (the end of) one
/// of these finds everyone, so it is not indexed ("有限公司" alone finds nothing; "科技有限
/// 公司" still finds every 科技 company).
const CJK_FORMS: [&str; 6] = [
    "股份有限公司",
    "有限责任公司",
    "分公司",
    "普通合伙",
    "有限合伙",
    "集团",
];

/// The same for words of English names: "co ltd" alone is not a search.
const LATIN_FORMS: [&str; 14] = [
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "bv",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Every term under which a customer should be found. Deduplicated and sorted.
///
/// - A Chinese name: every suffix that starts with a Chinese character and is longer than
///   one character, except the endings of a company form ([`CJK_FORMS`]).
/// - Latin letters and digits: every suffix that starts a word (after a space or
///   punctuation, or where letters, digits and Chinese characters meet), unless the words
///   from there on are all company forms ([`LATIN_FORMS`]).
/// - The whole name, the customer number and the code, always.
pub fn index_terms(
    name: &str,
    name_en: Option<&str>,
    number: &str,
    code: Option<&str>,
) -> Vec<String> {
    let mut terms = Vec::new();
    for text in std::iter::once(name).chain(name_en) {
        let words = words_of(text);
        let n: Vec<char> = words.iter().flat_map(|w| w.chars()).collect();
        terms.push(n.iter().collect::<String>());
        let mut start = 0;
        for (w, word) in words.iter().enumerate() {
            let chars: Vec<char> = word.chars().collect();
            if chars.first().is_some_and(|c| is_cjk(*c)) {
                for offset in 0..chars.len() {
                    let suffix: String = n[start + offset..].iter().collect();
                    let rest = suffix.chars().count();
                    let form = rest <= 6 && CJK_FORMS.iter().any(|f| f.ends_with(&suffix));
                    if rest > 1 && !form {
                        terms.push(suffix);
                    }
                }
            } else if !words[w..].iter().all(|w| LATIN_FORMS.contains(&w.as_str())) {
                terms.push(n[start..].iter().collect());
            }
            start += chars.len();
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

/// The normalised words of `text`: runs of letters and digits split at spaces and
/// punctuation and where Latin letters, digits and Chinese characters meet; a run of
/// Chinese characters is one word.
fn words_of(text: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Cjk,
        Letter,
        Digit,
    }
    let class = |c: char| {
        if is_cjk(c) {
            Class::Cjk
        } else if c.is_numeric() {
            Class::Digit
        } else {
            Class::Letter
        }
    };
    let mut words: Vec<String> = Vec::new();
    let mut last: Option<Class> = None;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            last = None;
            continue;
        }
        let k = class(c);
        if last != Some(k) {
            words.push(String::new());
        }
        if let Some(w) = words.last_mut() {
            w.extend(c.to_lowercase());
        }
        last = Some(k);
    }
    words
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
    fn a_company_form_alone_is_not_a_term_but_a_name_ending_in_one_is() {
        let t = terms();
        assert!(!matches(&t, &normalise_query("有限公司").unwrap()));
        assert!(!matches(&t, &normalise_query("Co., Ltd.").unwrap()));
        assert!(!t.contains(&"司".to_owned()));
        assert!(matches(&t, &normalise_query("技术有限公司").unwrap()));
        assert!(matches(
            &t,
            &normalise_query("深圳华为技术有限公司").unwrap()
        ));
    }

    #[test]
    fn a_number_inside_a_chinese_name_starts_a_word() {
        let t = index_terms("压测客户000123贸易有限公司", None, "BK-000123", None);
        assert!(matches(&t, &normalise_query("000123").unwrap()));
        assert!(matches(&t, &normalise_query("贸易").unwrap()));
        assert!(matches(&t, &normalise_query("客户0001").unwrap()));
        assert!(!matches(&t, &normalise_query("0123").unwrap()));
        assert_eq!(t.len(), 8, "{t:?}");
    }

    #[test]
    fn a_name_that_is_only_a_company_form_is_still_found_whole() {
        let t = index_terms("有限公司", Some("Co Ltd"), "X1", None);
        assert!(matches(&t, &normalise_query("有限公司").unwrap()));
        assert!(matches(&t, &normalise_query("co ltd").unwrap()));
    }

    #[test]
    fn full_width_punctuation_is_ignored() {
        assert_eq!(normalise("华为（深圳）"), "华为深圳");
    }
}
