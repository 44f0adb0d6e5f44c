//! Which column holds which field: the fields of each kind of import, and a guess for each
//! column from its header, in Chinese or English, as the tenant's systems write them
//! (客户编号, 客户名称, 统一社会信用代码, 发票号, 开票日期, 到期日, 金额, 币种, 收款金额, …). The user
//! fixes the guess on the mapping screen; a field is taken by at most one column.

use serde::{Deserialize, Serialize};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// The customer master, with current limits, terms, temporary limits and holds.
    Customers,
    /// Open invoices as of a cut-over date.
    OpenItems,
    /// Orders, invoices, payments, credit notes, disputes and write-offs.
    Ledger,
    ExchangeRates,
    Signals,
    /// Customer, date, bad or good (for the scoring lab).
    Outcomes,
}

/// A field a column can map to: its key and whether a file of the kind must have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub required: bool,
    /// Headers that name it, normalised (see [`normalise`]): Chinese first, then English.
    pub names: &'static [&'static str],
}

const fn f(key: &'static str, required: bool, names: &'static [&'static str]) -> FieldSpec {
    FieldSpec {
        key,
        required,
        names,
    }
}

const NUMBER: FieldSpec = f(
    "customer",
    true,
    &[
        "客户编号",
        "客户编码",
        "客户代码",
        "客户号",
        "客户账号",
        "往来单位编码",
        "单位编码",
        "customerno",
        "customernumber",
        "customerid",
        "customercode",
        "custno",
        "custid",
        "accountnumber",
        "accountno",
        "debtor",
        "debtorno",
        "kunnr",
        "customer",
    ],
);

const CUSTOMERS: &[FieldSpec] = &[
    NUMBER,
    f(
        "name",
        true,
        &[
            "客户名称",
            "客户全称",
            "单位名称",
            "往来单位名称",
            "公司名称",
            "名称",
            "customername",
            "companyname",
            "name",
            "legalname",
        ],
    ),
    f(
        "name_en",
        false,
        &["英文名称", "英文名", "englishname", "nameen", "tradingname"],
    ),
    f(
        "country",
        false,
        &["国家", "国家地区", "国别", "country", "countrycode"],
    ),
    f(
        "registration_id",
        false,
        &[
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "税号",
            "纳税人识别号",
            "注册号",
            "uscc",
            "usci",
            "taxid",
            "vatno",
            "registrationnumber",
            "companynumber",
            "registrationid",
        ],
    ),
    f(
        "industry",
        false,
        &["行业", "所属行业", "industry", "sector"],
    ),
    f("size", false, &["企业规模", "规模", "size", "companysize"]),
    f(
        "registered_capital",
        false,
        &["注册资本", "registeredcapital", "capital"],
    ),
    f(
        "founded",
        false,
        &[
            "成立日期",
            "成立时间",
            "注册日期",
            "founded",
            "foundingdate",
            "dateofestablishment",
            "incorporated",
        ],
    ),
    f(
        "address",
        false,
        &["地址", "注册地址", "办公地址", "address"],
    ),
    f(
        "owner",
        false,
        &[
            "业务员",
            "销售员",
            "负责人",
            "客户经理",
            "销售代表",
            "owner",
            "salesrep",
            "accountmanager",
            "salesperson",
        ],
    ),
    f(
        "limit",
        false,
        &["信用额度", "授信额度", "额度", "creditlimit", "limit"],
    ),
    f("currency", false, &["币种", "货币", "currency", "curr"]),
    f(
        "terms_days",
        false,
        &[
            "账期",
            "账期天数",
            "付款期限",
            "信用天数",
            "paymentterms",
            "terms",
            "termsdays",
            "creditdays",
        ],
    ),
    f("temporary_limit", false, &["临时额度", "temporarylimit"]),
    f(
        "temporary_until",
        false,
        &[
            "临时额度到期日",
            "临时额度截止",
            "temporaryuntil",
            "temporarylimituntil",
        ],
    ),
    f(
        "on_hold",
        false,
        &[
            "冻结",
            "是否冻结",
            "暂停发货",
            "onhold",
            "hold",
            "blocked",
            "creditblock",
        ],
    ),
    f("tags", false, &["标签", "tags"]),
];

const OPEN_ITEMS: &[FieldSpec] = &[
    NUMBER,
    f(
        "invoice",
        true,
        &[
            "发票号",
            "发票号码",
            "单据号",
            "单据编号",
            "凭证号",
            "invoice",
            "invoiceno",
            "invoicenumber",
            "document",
            "documentno",
            "docno",
            "reference",
        ],
    ),
    f(
        "issued",
        true,
        &[
            "开票日期",
            "发票日期",
            "单据日期",
            "业务日期",
            "invoicedate",
            "documentdate",
            "date",
            "issued",
        ],
    ),
    f(
        "due",
        true,
        &[
            "到期日",
            "到期日期",
            "应收日期",
            "duedate",
            "due",
            "netduedate",
        ],
    ),
    f(
        "amount",
        true,
        &[
            "未收金额",
            "余额",
            "未清金额",
            "openamount",
            "balance",
            "outstanding",
            "amountdue",
            "金额",
            "发票金额",
            "amount",
        ],
    ),
    f("currency", false, &["币种", "货币", "currency", "curr"]),
];

const LEDGER: &[FieldSpec] = &[
    NUMBER,
    f(
        "type",
        true,
        &[
            "类型",
            "单据类型",
            "业务类型",
            "type",
            "documenttype",
            "doctype",
            "transactiontype",
        ],
    ),
    f(
        "document",
        true,
        &[
            "单据号",
            "单据编号",
            "发票号",
            "凭证号",
            "收款单号",
            "document",
            "documentno",
            "docno",
            "invoice",
            "reference",
        ],
    ),
    f(
        "date",
        true,
        &[
            "日期",
            "单据日期",
            "业务日期",
            "开票日期",
            "收款日期",
            "date",
            "documentdate",
            "postingdate",
        ],
    ),
    f("due", false, &["到期日", "到期日期", "duedate", "due"]),
    f(
        "amount",
        true,
        &[
            "金额",
            "发票金额",
            "收款金额",
            "回款金额",
            "amount",
            "value",
        ],
    ),
    f("currency", false, &["币种", "货币", "currency", "curr"]),
    f(
        "applies_to",
        false,
        &[
            "核销发票",
            "对应发票",
            "原单号",
            "appliesto",
            "allocatedto",
            "invoiceref",
            "clearing",
        ],
    ),
];

const EXCHANGE_RATES: &[FieldSpec] = &[
    f(
        "from",
        true,
        &["原币", "币种", "from", "fromcurrency", "currency"],
    ),
    f("to", true, &["本位币", "目标币种", "to", "tocurrency"]),
    f("date", true, &["日期", "汇率日期", "date", "ratedate"]),
    f("rate", true, &["汇率", "rate", "exchangerate"]),
];

const SIGNALS: &[FieldSpec] = &[
    NUMBER,
    f("kind", true, &["类型", "信号类型", "kind", "type"]),
    f("date", true, &["日期", "date"]),
    f("source", true, &["来源", "source"]),
    f(
        "summary",
        false,
        &["摘要", "内容", "说明", "summary", "description"],
    ),
    f(
        "case_number",
        false,
        &[
            "案号",
            "文书号",
            "编号",
            "case number",
            "case",
            "document number",
        ],
    ),
    f("court", false, &["法院", "受理法院", "court"]),
    f("amount", false, &["涉案金额", "金额", "标的", "amount"]),
    f("status", false, &["状态", "案件状态", "status"]),
    f(
        "checked_on",
        false,
        &["查询日期", "检查日期", "checked on", "checked"],
    ),
    f(
        "agency",
        false,
        &["评级机构", "机构", "agency", "rating agency"],
    ),
    f(
        "class",
        false,
        &["评级", "等级", "级别", "class", "rating class"],
    ),
];

const OUTCOMES: &[FieldSpec] = &[
    NUMBER,
    f("date", true, &["日期", "date"]),
    f(
        "outcome",
        true,
        &["结果", "好坏", "outcome", "bad", "default"],
    ),
];

impl ImportKind {
    pub const ALL: [ImportKind; 6] = [
        ImportKind::Customers,
        ImportKind::OpenItems,
        ImportKind::Ledger,
        ImportKind::ExchangeRates,
        ImportKind::Signals,
        ImportKind::Outcomes,
    ];

    /// The kind's name on the wire and in paths (`open_items`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::OpenItems => "open_items",
            ImportKind::Ledger => "ledger",
            ImportKind::ExchangeRates => "exchange_rates",
            ImportKind::Signals => "signals",
            ImportKind::Outcomes => "outcomes",
        }
    }

    /// The kind named `name` ([`ImportKind::as_str`]).
    pub fn parse(name: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The fields a column of this kind of file can map to.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            ImportKind::Customers => CUSTOMERS,
            ImportKind::OpenItems => OPEN_ITEMS,
            ImportKind::Ledger => LEDGER,
            ImportKind::ExchangeRates => EXCHANGE_RATES,
            ImportKind::Signals => SIGNALS,
            ImportKind::Outcomes => OUTCOMES,
        }
    }
}

/// A field's name for people: on the mapping screen and as the header of the kind's
/// template (each label reads back as its field, see the test).
pub fn label(key: &str, zh: bool) -> &str {
    let (c, e) = match key {
        "customer" => ("客户编号", "Customer number"),
        "name" => ("客户名称", "Customer name"),
        "name_en" => ("英文名称", "English name"),
        "country" => ("国家", "Country"),
        "registration_id" => ("统一社会信用代码", "Registration number"),
        "industry" => ("行业", "Industry"),
        "size" => ("企业规模", "Company size"),
        "registered_capital" => ("注册资本", "Registered capital"),
        "founded" => ("成立日期", "Founded"),
        "address" => ("地址", "Address"),
        "owner" => ("业务员", "Sales rep"),
        "limit" => ("信用额度", "Credit limit"),
        "terms_days" => ("账期天数", "Payment terms"),
        "temporary_limit" => ("临时额度", "Temporary limit"),
        "temporary_until" => ("临时额度到期日", "Temporary limit until"),
        "on_hold" => ("冻结", "On hold"),
        "tags" => ("标签", "Tags"),
        "currency" => ("币种", "Currency"),
        "invoice" => ("发票号", "Invoice number"),
        "issued" => ("开票日期", "Invoice date"),
        "due" => ("到期日", "Due date"),
        "amount" => ("金额", "Amount"),
        "type" => ("单据类型", "Document type"),
        "document" => ("单据号", "Document number"),
        "date" => ("日期", "Date"),
        "applies_to" => ("核销发票", "Applies to"),
        "from" => ("原币", "From currency"),
        "to" => ("本位币", "To currency"),
        "rate" => ("汇率", "Exchange rate"),
        "kind" => ("信号类型", "Kind"),
        "source" => ("来源", "Source"),
        "summary" => ("摘要", "Summary"),
        "outcome" => ("结果", "Outcome"),
        "case_number" => ("案号", "Case number"),
        "court" => ("法院", "Court"),
        "status" => ("状态", "Status"),
        "checked_on" => ("查询日期", "Checked on"),
        "agency" => ("评级机构", "Rating agency"),
        "class" => ("评级", "Rating class"),
        other => (other, other),
    };
    if zh { c } else { e }
}

/// A header as it is compared: half-width, lower case, without spaces, punctuation and a
/// unit in brackets (`金额（元）` → `金额`, `Customer No.` → `customerno`).
pub fn normalise(header: &str) -> String {
    let t = super::cells::half_width(header).to_lowercase();
    let t = match t.find(['(', '[']) {
        Some(at) if at > 0 => t[..at].to_owned(),
        _ => t,
    };
    t.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// For each header, the field it most likely holds: an exact name first, then a header that
/// contains a name (the longest name wins); each field goes to one column only, the first
/// that claims it.
pub fn guess(kind: ImportKind, headers: &[String]) -> Vec<Option<&'static str>> {
    let fields = kind.fields();
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut taken: Vec<&'static str> = Vec::new();
    let mut out = vec![None; headers.len()];
    // Exact names first, so `金额` is not stolen by a column whose header merely contains it.
    for exact in [true, false] {
        for (i, header) in normalised.iter().enumerate() {
            if out[i].is_some() || header.is_empty() {
                continue;
            }
            let best = fields
                .iter()
                .filter(|spec| !taken.contains(&spec.key))
                .filter_map(|spec| {
                    spec.names
                        .iter()
                        .filter(|name| {
                            if exact {
                                *header == **name
                            } else {
                                name.chars().count() >= 2 && header.contains(**name)
                            }
                        })
                        .map(|name| (name.chars().count(), spec.key))
                        .max()
                })
                .max();
            if let Some((_, key)) = best {
                taken.push(key);
                out[i] = Some(key);
            }
        }
    }
    out
}

/// The required fields of `kind` no column maps to.
pub fn missing(kind: ImportKind, mapping: &[Option<&str>]) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .filter(|spec| spec.required && !mapping.contains(&Some(spec.key)))
        .map(|spec| spec.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_named_as_serde_names_it() {
        for kind in ImportKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(ImportKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn every_template_header_maps_back_to_its_field_in_both_languages() {
        for kind in ImportKind::ALL {
            for zh in [true, false] {
                // Arrange
                let keys: Vec<&str> = kind.fields().iter().map(|f| f.key).collect();
                let headers: Vec<String> = keys.iter().map(|k| label(k, zh).to_owned()).collect();

                // Act
                let guessed = guess(kind, &headers);

                // Assert
                let expected: Vec<Option<&str>> = keys.iter().map(|k| Some(*k)).collect();
                assert_eq!(guessed, expected, "{kind:?} zh={zh}: {headers:?}");
            }
        }
    }

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_chinese_customer_list_maps_itself() {
        // Arrange
        let h = headers(&[
            "客户编号",
            "客户名称",
            "统一社会信用代码",
            "信用额度（元）",
            "账期(天)",
            "业务员",
            "备注",
        ]);
        // Act
        let guessed = guess(ImportKind::Customers, &h);
        // Assert
        assert_eq!(
            guessed,
            [
                Some("customer"),
                Some("name"),
                Some("registration_id"),
                Some("limit"),
                Some("terms_days"),
                Some("owner"),
                None
            ]
        );
        assert!(missing(ImportKind::Customers, &guessed).is_empty());
    }

    #[test]
    fn an_english_open_item_export_maps_itself_whatever_its_case_and_punctuation() {
        // Arrange
        let h = headers(&[
            "Customer No.",
            "Invoice #",
            "Invoice Date",
            "Net Due Date",
            "Open Amount",
            "Curr.",
        ]);
        // Act
        let guessed = guess(ImportKind::OpenItems, &h);
        // Assert
        assert_eq!(
            guessed,
            [
                Some("customer"),
                Some("invoice"),
                Some("issued"),
                Some("due"),
                Some("amount"),
                Some("currency")
            ]
        );
    }

    #[test]
    fn a_field_goes_to_one_column_and_a_missing_required_one_is_named() {
        // Arrange: two amount columns, and no due date.
        let h = headers(&["客户编号", "发票号", "开票日期", "金额", "发票金额"]);
        // Act
        let guessed = guess(ImportKind::OpenItems, &h);
        // Assert
        assert_eq!(guessed[3], Some("amount"));
        assert_eq!(guessed[4], None);
        assert_eq!(missing(ImportKind::OpenItems, &guessed), ["due"]);
    }

    #[test]
    fn a_header_that_contains_a_name_maps_when_nothing_names_it_exactly() {
        // Act
        let guessed = guess(
            ImportKind::Ledger,
            &headers(&[
                "往来单位编码",
                "单据类型",
                "单据编号",
                "单据日期",
                "本币金额",
            ]),
        );
        // Assert
        assert_eq!(
            guessed,
            [
                Some("customer"),
                Some("type"),
                Some("document"),
                Some("date"),
                Some("amount")
            ]
        );
    }
}
