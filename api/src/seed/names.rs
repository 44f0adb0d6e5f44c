//! Word lists the demo generator combines into realistic Chinese company names.
//!
//! A name is city + trade name (字号) + industry word + suffix, for example
//! 深圳 + 恒通 + 电子 + 有限公司, rendered in English as "Shenzhen Hengtong Electronics
//! Co., Ltd.". Cities carry the administrative division codes (GB/T 2260) that go into
//! characters 3–8 of their companies' unified social credit codes. Weights are relative
//! frequencies for an industrial-parts distributor selling mostly into the Pearl River
//! and Yangtze River deltas.

/// (Chinese, English, weight, division codes of the city and some districts, space-separated).
pub type City = (&'static str, &'static str, u32, &'static str);

pub const CITIES: &[City] = &[
    ("深圳", "Shenzhen", 14, "440300 440304 440305 440306 440307"),
    ("上海", "Shanghai", 12, "310000 310115 310104 310112 310114"),
    ("苏州", "Suzhou", 10, "320500 320505 320506 320583"),
    ("东莞", "Dongguan", 9, "441900"),
    ("广州", "Guangzhou", 8, "440100 440106 440112 440113"),
    ("杭州", "Hangzhou", 7, "330100 330106 330108 330110"),
    ("宁波", "Ningbo", 6, "330200 330206 330212"),
    ("佛山", "Foshan", 5, "440600 440604 440606"),
    ("天津", "Tianjin", 4, "120000 120116"),
    ("青岛", "Qingdao", 4, "370200 370211"),
    ("成都", "Chengdu", 4, "510100 510107 510116"),
    ("武汉", "Wuhan", 4, "420100 420106 420111"),
    ("厦门", "Xiamen", 3, "350200 350206"),
    ("北京", "Beijing", 3, "110000 110105 110108"),
    ("南京", "Nanjing", 3, "320100 320115"),
    ("无锡", "Wuxi", 3, "320200 320214"),
    ("常州", "Changzhou", 2, "320400 320411"),
    ("温州", "Wenzhou", 2, "330300 330304"),
    ("重庆", "Chongqing", 2, "500000 500112"),
    ("长沙", "Changsha", 2, "430100 430104"),
    ("郑州", "Zhengzhou", 2, "410100 410105"),
    ("合肥", "Hefei", 2, "340100 340104"),
    ("西安", "Xi'an", 2, "610100 610113"),
];

/// Trade names (字号) with their pinyin, as "字号:Pinyin" separated by whitespace.
pub const TRADE_NAMES: &str = "\
    华信:Huaxin 恒通:Hengtong 鑫源:Xinyuan 博远:Boyuan 中科:Zhongke 立达:Lida 宏达:Hongda \
    金泰:Jintai 瑞丰:Ruifeng 永盛:Yongsheng 天成:Tiancheng 启航:Qihang 联创:Lianchuang \
    宏远:Hongyuan 新锐:Xinrui 通达:Tongda 佳禾:Jiahe 恒信:Hengxin 凯越:Kaiyue 锦华:Jinhua \
    明辉:Minghui 志诚:Zhicheng 嘉盛:Jiasheng 龙腾:Longteng 瀚海:Hanhai 精工:Jinggong 远航:Yuanhang \
    海川:Haichuan 安达:Anda 信诚:Xincheng 富源:Fuyuan 智达:Zhida 旭日:Xuri 和信:Hexin 广源:Guangyuan \
    泰和:Taihe 协力:Xieli 凯达:Kaida 万邦:Wanbang 德润:Derun 盛达:Shengda 华创:Huachuang \
    众诚:Zhongcheng 汇通:Huitong 宝丰:Baofeng 长盛:Changsheng 东升:Dongsheng 晨光:Chenguang";

/// An industry word: (Chinese, English, the sector recorded as the customer's industry, weight).
pub type Industry = (&'static str, &'static str, &'static str, u32);

pub const INDUSTRIES: &[Industry] = &[
    ("电子", "Electronics", "电子元器件", 12),
    ("机械", "Machinery", "通用设备制造", 12),
    ("科技", "Technology", "信息技术", 9),
    ("自动化", "Automation", "专用设备制造", 8),
    ("五金", "Hardware", "金属制品", 8),
    ("贸易", "Trading", "批发零售", 8),
    ("电气", "Electric", "电气机械和器材", 7),
    ("精密", "Precision", "通用设备制造", 6),
    ("模具", "Mould", "模具制造", 5),
    ("塑胶", "Plastics", "橡胶和塑料制品", 5),
    ("汽车零部件", "Auto Parts", "汽车制造", 5),
    ("机电设备", "Electromechanical Equipment", "机电设备", 5),
    ("化工", "Chemical", "化学原料及化学制品", 4),
    ("仪器仪表", "Instruments", "仪器仪表制造", 4),
    ("新材料", "New Materials", "新材料", 4),
    ("建材", "Building Materials", "建筑材料", 3),
    ("包装", "Packaging", "包装印刷", 3),
    ("物流", "Logistics", "交通运输与仓储", 3),
    ("供应链管理", "Supply Chain Management", "批发零售", 3),
    ("环保", "Environmental Protection", "生态保护和环境治理", 2),
    ("医疗器械", "Medical Devices", "医疗器械", 2),
    ("食品", "Food", "食品制造", 2),
];

/// A legal-form suffix: (Chinese, English, whether the industry word goes before it, weight).
/// "实业" (industrial) companies usually carry no industry word: 深圳恒通实业有限公司.
pub type Suffix = (&'static str, &'static str, bool, u32);

pub const SUFFIXES: &[Suffix] = &[
    ("有限公司", "Co., Ltd.", true, 70),
    ("股份有限公司", "Co., Ltd.", true, 12),
    ("实业有限公司", "Industrial Co., Ltd.", false, 18),
];

/// Customers abroad: (ISO country code, English legal name, sector as in [`INDUSTRIES`]).
/// They have no Chinese name and no unified social credit code.
pub const FOREIGN: &[(&str, &str, &str)] = &[
    ("HK", "Harbourfront Industrial Supplies Limited", "批发零售"),
    ("HK", "Kowloon Bay Precision Parts Limited", "通用设备制造"),
    ("HK", "Victoria Harbour Trading Company Limited", "批发零售"),
    ("HK", "Tsing Yi Components Limited", "电子元器件"),
    ("SG", "Straits Industrial Supply Pte. Ltd.", "批发零售"),
    ("SG", "Jurong Automation Pte. Ltd.", "专用设备制造"),
    ("SG", "Tuas Engineering Services Pte. Ltd.", "机电设备"),
    ("DE", "Nordwerk Antriebstechnik GmbH", "电气机械和器材"),
    ("DE", "Rheintal Maschinenbau GmbH", "通用设备制造"),
    ("DE", "Elbufer Industriebedarf GmbH", "批发零售"),
    ("US", "Great Lakes Industrial Supply, Inc.", "批发零售"),
    ("US", "Bayview Components LLC", "电子元器件"),
    ("US", "Pioneer Valley Automation LLC", "专用设备制造"),
];

/// [`TRADE_NAMES`] as (字号, pinyin) pairs.
pub fn trade_names() -> Vec<(&'static str, &'static str)> {
    TRADE_NAMES
        .split_whitespace()
        .filter_map(|w| w.split_once(':'))
        .collect()
}
