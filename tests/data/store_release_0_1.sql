BEGIN TRANSACTION;
CREATE TABLE best_bets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    query TEXT NOT NULL,
    query_key TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    author TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    expires TEXT,
    created TEXT NOT NULL,
    UNIQUE (query_key, doc_id)
);
INSERT INTO "best_bets" VALUES(1,'政府网站 集约化','政府网站集约化','p-4ee75ba6123dcfd3','张工','群众常问',NULL,'2026-11-30T08:05:51+00:00');
CREATE TABLE catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "catalogue_meta" VALUES('version','1');
CREATE TABLE click_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    query TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO "click_log" VALUES(1,'2026-11-30T08:05:51+00:00','政府网站集约化','p-4ee75ba6123dcfd3',1);
CREATE TABLE crawl_fingerprints (
    doc_id     TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    title_key  TEXT NOT NULL,
    simhash    INTEGER NOT NULL
);
INSERT INTO "crawl_fingerprints" VALUES('p-4ee75ba6123dcfd3','http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm','国办函201871号','国务院办公厅关于印发政府网站集约化试点工作方案的通知',-9054093229666243538);
INSERT INTO "crawl_fingerprints" VALUES('p-76d3bccf8884c7a3','http://www.gov.cn/zhengce/content/2018-11/12/content_5339579.htm','国办函201874号','国务院办公厅关于调整国务院第二次全国污染源普查领导小组组成人员的通知',-1536846033637864274);
CREATE TABLE crawl_fp_bands (
    band   INTEGER NOT NULL,  -- band number * 256 + the band's 8 bits
    doc_id TEXT NOT NULL,
    PRIMARY KEY (band, doc_id)
);
INSERT INTO "crawl_fp_bands" VALUES(46,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(364,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(633,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(930,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(1069,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(1382,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(1625,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(1922,'p-4ee75ba6123dcfd3');
INSERT INTO "crawl_fp_bands" VALUES(174,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(268,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(652,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(970,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(1196,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(1286,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(1708,'p-76d3bccf8884c7a3');
INSERT INTO "crawl_fp_bands" VALUES(2026,'p-76d3bccf8884c7a3');
CREATE TABLE crawl_pages (
    profile       TEXT NOT NULL,
    url           TEXT NOT NULL,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    doc_id        TEXT,
    doc_hash      TEXT,
    withdrawn     INTEGER NOT NULL DEFAULT 0,
    fetched_at    TEXT NOT NULL,
    PRIMARY KEY (profile, url)
);
INSERT INTO "crawl_pages" VALUES('govcn_2019','http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm','"etag-1"','Fri, 09 Nov 2018 00:00:00 GMT','p-4ee75ba6123dcfd3','h',0,'2026-11-30T08:05:51+00:00');
INSERT INTO "crawl_pages" VALUES('govcn_2019','http://www.gov.cn/zhengce/content/2018-11/12/content_5339579.htm','"etag-1"','Fri, 09 Nov 2018 00:00:00 GMT','p-76d3bccf8884c7a3','h',0,'2026-11-30T08:05:51+00:00');
CREATE TABLE crawl_reposts (
    canonical_id TEXT NOT NULL,
    url          TEXT PRIMARY KEY,
    site         TEXT NOT NULL
);
INSERT INTO "crawl_reposts" VALUES('p-4ee75ba6123dcfd3','http://www.example.gov.cn/repost/1.html','示例省人民政府');
INSERT INTO "crawl_reposts" VALUES('p-4ee75ba6123dcfd3','http://www.example.gov.cn/repost/2.html','示例市人民政府');
CREATE TABLE crawl_urls (
    profile    TEXT NOT NULL,
    url        TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'queued',
    kind       TEXT,
    depth      INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    fetched_at TEXT,
    host       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile, url)
);
INSERT INTO "crawl_urls" VALUES('govcn_2019','http://www.gov.cn/zhengce/index.htm','done','list',0,1,NULL,'2026-11-30T08:05:51+00:00','www.gov.cn');
INSERT INTO "crawl_urls" VALUES('govcn_2019','http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm','done','detail',1,1,NULL,'2026-11-30T08:05:51+00:00','www.gov.cn');
INSERT INTO "crawl_urls" VALUES('govcn_2019','http://www.gov.cn/zhengce/content/2018-11/12/content_5339579.htm','done','detail',1,1,NULL,'2026-11-30T08:05:51+00:00','www.gov.cn');
INSERT INTO "crawl_urls" VALUES('govcn_2019','http://www.gov.cn/zhengce/missing.htm','failed','detail',1,1,'HTTP 500','2026-11-30T08:05:51+00:00','www.gov.cn');
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    indexed_hash TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
INSERT INTO "documents" VALUES('g-fc618b5f61b2be55','guide','https://www.gdzwfw.gov.cn/gaio/apply.html#/11440000006939756B2440101007000','临时价格干预范围事项提价申报','{"url":"https://www.gdzwfw.gov.cn/gaio/apply.html#/11440000006939756B2440101007000","site":"广东省政务服务网统一申办平台","region":"广东省","region_code":"440000","kind":"guide","item_name":"临时价格干预范围事项提价申报","item_code":"11440000006939756B2440101007000","catalogue_code":"440101007000","authority":"广东省发展和改革委员会","item_type":"行政许可","service_objects":["自然人","企业法人","事业法人","社会组织法人","非法人企业","行政机关","其他组织"],"subjects":["其他"],"conditions":"《广东省实施〈中华人民共和国价格法〉办法》第二十九条规定，当重要商品和服务价格显著上涨或者有可能显著上涨，国务院和省、自治区、直辖市人民政府可以对部分价格采取限定差价率或者利润率、规定限价、实行提价申报制度和调价备案制度等干预措施。省、自治区、直辖市人民政府采取前款规定的干预措施，应当报国务院备案。","materials":["提价申报申请报告"],"legal_time_limit":"30(工作日)","promised_time_limit":"7(工作日)","fee":"","location":"广州市越秀区东风中路305号5号楼808房","phone":"020-34121084","online_url":"https://www.gdzwfw.gov.cn/gaio/apply.html#/11440000006939756B2440101007000","level":"省级","publish_date":null}','c3b227db422aba872aaf76638d55c5c99e7f4184',NULL,0,'2026-11-30T08:05:51+00:00');
INSERT INTO "documents" VALUES('g-8923cff44bf1f035','guide','http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5587&gdbsTokenId=','中小学地方课程教材初审','{"url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5587&gdbsTokenId=","site":"广东省统一申办受理平台","region":"广东省","region_code":"440000","kind":"guide","item_name":"中小学地方课程教材初审","item_code":"11440000006940116U2440102002003","catalogue_code":"440102002003","authority":"广东省教育厅","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"conditions":"根据《中华人民共和国义务教育法》（中华人民共和国主席令第五十二号）第三十九条、《国务院关于基础教育改革与发展的决定》（国发［2001］21号）第三点第22条、《广东省人民政府第四轮行政事项调整目录》（广东省人民政府令第142号）第一条第30项，申请人符合《广东省教育厅关于印发<广东省教育厅关于广东省中小学地方课程教材审查的管理办法>的通知》(粤教基函〔2017〕200号)第八条至第十五条规定的全部申请条件方可申请教材初审。","materials":["广东省中小学地方课程教材审查登记表","教材清样（完整版、盲评版）","广东省中小学地方课程教材审查申请表","送审报告及试验方案"],"legal_time_limit":"70(工作日)","promised_time_limit":"18(工作日)","fee":"","location":"广州市越秀区农林下路72号广东省教育厅政务服务大厅1-3号窗口","phone":"020-37628755","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5587&gdbsTokenId=","level":"省级","publish_date":null}','978964305332c66f2b82fde3ef93e09f3c5869e0',NULL,0,'2026-11-30T08:05:51+00:00');
INSERT INTO "documents" VALUES('g-1483fb99a039a302','guide','http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5216&gdbsTokenId=','中小学地方课程教材审定','{"url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5216&gdbsTokenId=","site":"广东省统一申办受理平台","region":"广东省","region_code":"440000","kind":"guide","item_name":"中小学地方课程教材审定","item_code":"11440000006940116U2440102002002","catalogue_code":"440102002002","authority":"广东省教育厅","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"conditions":"根据《中华人民共和国义务教育法》（中华人民共和国主席令第五十二号）第三十九条、《国务院关于基础教育改革与发展的决定》（国发［2001］21号）第三点第22条、《广东省人民政府第四轮行政事项调整目录》（广东省人民政府令第１４２号）第一条第30项、《国务院关于基础教育改革与发展的决定》（国发［2001］21号）第22条的要求，申请人符合《广东省教育厅关于印发<广东省教育厅关于广东省中小学地方课程教材审查的管理办法>的通知》(粤教基函〔2017〕200号)第八条至第十五条规定的全部申请条件方可申请。","materials":["广东省中小学地方课程教材审查登记表","初审结果通知书","广东省中小学地方课程教材审查申请表","送审报告及试验报告","试验教材（完整版、盲评版）"],"legal_time_limit":"70(工作日)","promised_time_limit":"18(工作日)","fee":"","location":"广州市越秀区农林下路72号广东省教育厅政务服务大厅1-3号窗口","phone":"020-37628755","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5216&gdbsTokenId=","level":"省级","publish_date":null}','50a3df60aa756a60b08efc803334ceb161810d4d',NULL,0,'2026-11-30T08:05:51+00:00');
INSERT INTO "documents" VALUES('g-e8314a9da02f7380','guide','http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5588&gdbsTokenId=','中小学地方课程教材复查','{"url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5588&gdbsTokenId=","site":"广东省统一申办受理平台","region":"广东省","region_code":"440000","kind":"guide","item_name":"中小学地方课程教材复查","item_code":"11440000006940116U2440102002001","catalogue_code":"440102002001","authority":"广东省教育厅","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"conditions":"根据《中华人民共和国义务教育法》（中华人民共和国主席令第五十二号）第三十九条、《国务院关于基础教育改革与发展的决定》（国发［2001］21号）第三点第22条、《广东省人民政府第四轮行政事项调整目录》（广东省人民政府令第１４２号）第一条第30项、《国务院关于基础教育改革与发展的决定》（国发［2001］21号）第22条的要求，申请人符合《广东省教育厅关于印发<广东省教育厅关于广东省中小学地方课程教材审查的管理办法>的通知》(粤教基函〔2017〕200号)第七条至第十四条规定的全部申请条件方可申请。","materials":["广东省中小学地方课程教材审查申请表","审定（或最后一次复查）通知书","广东省中小学地方课程教材审查登记表","教材","教材使用情况报告"],"legal_time_limit":"70(工作日)","promised_time_limit":"18(工作日)","fee":"","location":"广州市越秀区农林下路72号广东省教育厅政务服务大厅1-3号窗口","phone":"020-37628755","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5588&gdbsTokenId=","level":"省级","publish_date":null}','fdaf567f78879e36a7b894f0886604604937de85',NULL,1,'2026-11-30T08:05:51+00:00');
INSERT INTO "documents" VALUES('p-4ee75ba6123dcfd3','policy','http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm','国务院办公厅关于印发《政府网站集约化试点工作方案》的通知','{"url":"http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm","site":"中国政府网","region":"","region_code":"","kind":"policy","title":"国务院办公厅关于印发《政府网站集约化试点工作方案》的通知","issuer":"国务院办公厅","doc_number":"国办函〔2018〕71号","index_number":"","written_date":null,"publish_date":"2018-11-09","subject":"综合政务\\政务公开","body":"国务院办公厅关于印发《政府网站集约化\n试点工作方案》的通知\n国办函〔2018〕71号\n各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n《政府网站集约化试点工作方案》已经国务院领导同志同意，现印发给你们，请认真贯彻执行。\n国务院办公厅\n2018年10月27日\n（此件公开发布）\n政府网站集约化试点工作方案\n为贯彻落实党中央、国务院关于加强全国网络安全和信息化工作有关部署，推进政府网站互联互通融合发展，现就开展政府网站集约化试点工作，制定以下方案。\n一、总体要求\n（一）指导思想。\n以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中全会精神，坚持以人民为中心的发展思想，牢固树立新发展理念，认真落实党中央、国务院决策部署，打通信息壁垒、推进集约共享，提升政府网站管理和服务水平，努力建设整体联动、高效惠民的网上政府。\n（二）基本原则。\n1.问题导向。针对政府网站存在的建设分散、数据不通、使用不便等突出问题，建设基于统一信息资源库的政府网站集约化平台，以信息资源共享共用带动试点地区政府网站整体服务水平的提升。\n2.开放融合。坚持创新驱动，积极运用大数据、云计算、人工智能等技术，探索构建互联融通的平台架构，支撑新技术、新应用、新功能的无缝对接，能够随技术发展变化持续升级和灵活扩展。\n3.集约节约。加强统筹规划和顶层设计，优化技术、资金、人员等要素配置，严格预算和项目管理，避免重复建设。\n4.平稳有序。积极稳妥组织本地区政府网站集约化建设，确保工作推进安全平稳，不影响公众使用体验。\n（三）工作目标。\n2019年12月底前，试点地区完成政府网站集约化工作，实现本地区各级各类政府网站资源优化融合、平台整合安全、数据互认共享、管理统筹规范、服务便捷高效。\n二、试点范围\n根据各地区政府网站集约化工作进展情况和试点申报情况，确定北京、吉林、安徽、山东、湖北、湖南、广东、广西、重庆、贵州10个省（区、市）和西藏自治区拉萨市作为试点地区。\n三、试点任务\n试点地区要认真组织实施，按照统一标准体系、统一技术平台、统一安全防护、统一运维监管的要求，推进数据融通、服务融通、应用融通，重点做好以下工作：\n（一）建设集约化平台。\n平台建设可采用省级统建模式，也可根据实际情况选择省级、地市级分建模式。采用省级、地市级分建模式的，省级、地市级平台要统一标准规范，实现互联融通。集约化平台应向平台上的政府网站提供以下功能支撑：站点管理、栏目管理、资源管理、权限管理；内容发布、互动交流、用户注册、统一身份认证；站内搜索、投诉举报、评价监督；个性定制、内容推送、运维监控、统计分析、安全防护，等等。\n（二）形成标准规范。\n编制集约化平台建设标准，对平台上各类信息数据的分类、格式和接口等提出要求，制定信息数据标准规范，实现平台资源统一调用、统一监管。完善工作机制，制定基于集约化平","attachments":[],"reposts":[]}','f6b52728687eb101b50bb3315822e37877418ce6','f6b52728687eb101b50bb3315822e37877418ce6',0,'2026-11-30T08:05:51+00:00');
INSERT INTO "documents" VALUES('p-76d3bccf8884c7a3','policy','http://www.gov.cn/zhengce/content/2018-11/12/content_5339579.htm','国务院办公厅关于调整国务院第二次全国污染源普查领导小组组成人员的通知','{"url":"http://www.gov.cn/zhengce/content/2018-11/12/content_5339579.htm","site":"中国政府网","region":"","region_code":"","kind":"policy","title":"国务院办公厅关于调整国务院第二次全国污染源普查领导小组组成人员的通知","issuer":"国务院办公厅","doc_number":"国办函〔2018〕74号","index_number":"","written_date":null,"publish_date":"2018-11-12","subject":"国务院组织机构\\其他","body":"国务院办公厅关于调整国务院第二次\n全国污染源普查领导小组组成人员的通知\n国办函〔2018〕74号\n各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n根据机构设置、人员变动情况和工作需要，国务院决定对国务院第二次全国污染源普查领导小组（以下简称领导小组）组成人员进行相应调整。现将调整后的名单通知如下：\n组　长：韩　正　　国务院副总理\n副组长：丁学东　　国务院副秘书长\n李干杰　　生态环境部部长\n宁吉喆　　统计局局长\n成　员：郭卫民　　中央宣传部部务会议成员、新闻办副主任\n张　勇　　发展改革委副主任\n辛国斌　　工业和信息化部副部长\n杜航伟　　公安部副部长\n刘　伟　　财政部副部长\n王春峰　　自然资源部党组成员\n赵英民　　生态环境部副部长\n倪　虹　　住房城乡建设部副部长\n戴东昌　　交通运输部副部长\n魏山忠　　水利部副部长\n张桃林　　农业农村部副部长\n孙瑞标　　税务总局副局长\n马正其　　市场监管总局副局长\n钱毅平　　中央军委后勤保障部副部长\n领导小组办公室设在生态环境部，办公室主任由生态环境部副部长赵英民兼任。领导小组成员因工作变动等需要调整的，由所在单位向领导小组办公室提出，报领导小组组长审批。\n国务院办公厅\n2018年11月5日\n（此件公开发布）","attachments":[],"reposts":[]}','2e7ad4475850568e8f49d806572deb4f0183ef3a',NULL,0,'2026-11-30T08:05:51+00:00');
CREATE TABLE item_links (
    doc_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    evidence TEXT NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (doc_id, item_key)
);
INSERT INTO "item_links" VALUES('g-1483fb99a039a302','11440000006940116U2440102002002','guide','中小学地方课程教材审定',1.0);
INSERT INTO "item_links" VALUES('g-8923cff44bf1f035','11440000006940116U2440102002003','guide','中小学地方课程教材初审',1.0);
INSERT INTO "item_links" VALUES('g-fc618b5f61b2be55','11440000006939756B2440101007000','guide','临时价格干预范围事项提价申报',1.0);
CREATE TABLE items (
    key TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    region_code TEXT NOT NULL,
    guide_id TEXT,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
INSERT INTO "items" VALUES('11440000006939756B2440101007000','临时价格干预范围事项提价申报','临时价格干预范围事项提价申报','省','440000','g-fc618b5f61b2be55','{"name":"临时价格干预范围事项提价申报","code":"11440000006939756B2440101007000","basic_code":"440101007000","parent_code":"","parent_name":"临时价格干预范围事项提价申报","sub_item":"","authority":"广东省发展和改革委员会","authority_code":"006939756","item_type":"行政许可","service_objects":["自然人","企业法人","事业法人","社会组织法人","非法人企业","行政机关","其他组织"],"subjects":["其他"],"aliases":[],"level":"省","region":"广东省","region_code":"440000","online_url":"https://www.gdzwfw.gov.cn/gaio/apply.html#/11440000006939756B2440101007000","guide_id":"g-fc618b5f61b2be55"}','399ab820fb1b325c49c1c0011dfdf410dd9bff57');
INSERT INTO "items" VALUES('11440000006940116U2440102002003','中小学地方课程教材初审','中小学地方课程教材初审','省','440000','g-8923cff44bf1f035','{"name":"中小学地方课程教材初审","code":"11440000006940116U2440102002003","basic_code":"440102002003","parent_code":"44010200200Y","parent_name":"中小学地方课程教材初审、审定、复查","sub_item":"","authority":"广东省教育厅","authority_code":"006940116","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"aliases":[],"level":"省","region":"广东省","region_code":"440000","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5587&gdbsTokenId=","guide_id":"g-8923cff44bf1f035"}','db8f1e4edb91b57cb3203cebcd8d1456bfaa3150');
INSERT INTO "items" VALUES('11440000006940116U2440102002002','中小学地方课程教材审定','中小学地方课程教材审定','省','440000','g-1483fb99a039a302','{"name":"中小学地方课程教材审定","code":"11440000006940116U2440102002002","basic_code":"440102002002","parent_code":"44010200200Y","parent_name":"中小学地方课程教材初审、审定、复查","sub_item":"","authority":"广东省教育厅","authority_code":"006940116","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"aliases":[],"level":"省","region":"广东省","region_code":"440000","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5216&gdbsTokenId=","guide_id":"g-1483fb99a039a302"}','f8debbdf8f084d9705ca7cb645e887de64d1ba17');
INSERT INTO "items" VALUES('11440000006940116U2440102002001','中小学地方课程教材复查','中小学地方课程教材复查','省','440000','g-e8314a9da02f7380','{"name":"中小学地方课程教材复查","code":"11440000006940116U2440102002001","basic_code":"440102002001","parent_code":"44010200200Y","parent_name":"中小学地方课程教材初审、审定、复查","sub_item":"","authority":"广东省教育厅","authority_code":"006940116","item_type":"行政许可","service_objects":["自然人","企业法人","社会组织法人"],"subjects":["教育科研"],"aliases":[],"level":"省","region":"广东省","region_code":"440000","online_url":"http://bsxt.gdbs.gov.cn/UnifiedReporting/bid/caption?approveSeq=5588&gdbsTokenId=","guide_id":"g-e8314a9da02f7380"}','dae01f559278dea4b4fbf73ee53596c780dbf49a');
CREATE TABLE link_state (
    doc_id TEXT PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    catalogue_version TEXT NOT NULL
);
INSERT INTO "link_state" VALUES('g-1483fb99a039a302','50a3df60aa756a60b08efc803334ceb161810d4d','1:00cd7705ef0a');
INSERT INTO "link_state" VALUES('g-8923cff44bf1f035','978964305332c66f2b82fde3ef93e09f3c5869e0','1:00cd7705ef0a');
INSERT INTO "link_state" VALUES('g-fc618b5f61b2be55','c3b227db422aba872aaf76638d55c5c99e7f4184','1:00cd7705ef0a');
INSERT INTO "link_state" VALUES('p-4ee75ba6123dcfd3','f6b52728687eb101b50bb3315822e37877418ce6','1:00cd7705ef0a');
INSERT INTO "link_state" VALUES('p-76d3bccf8884c7a3','2e7ad4475850568e8f49d806572deb4f0183ef3a','1:00cd7705ef0a');
CREATE TABLE query_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    query TEXT NOT NULL,
    type TEXT,
    page INTEGER NOT NULL,
    total INTEGER NOT NULL,
    filters TEXT NOT NULL DEFAULT ''
);
INSERT INTO "query_log" VALUES(1,'2026-11-30T08:05:51+00:00','政府网站集约化',NULL,1,3,'year=2018');
INSERT INTO "query_log" VALUES(2,'2026-11-30T08:05:51+00:00','政府网站集约化',NULL,1,3,'year=2018');
INSERT INTO "query_log" VALUES(3,'2026-11-30T08:05:51+00:00','没有结果的查询','guide',1,0,'');
CREATE TABLE staff_login_failures (
    name TEXT NOT NULL,
    at TEXT NOT NULL
);
INSERT INTO "staff_login_failures" VALUES('editor1','2026-11-30T08:05:51+00:00');
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
INSERT INTO "staff_sessions" VALUES('ca289c826f8dc2b09d207dc460869f82c796f8d909cfb737374aa6781445faff','reviewer1','xgfVO_x-_IONmzUV3bJzuvDqxg6D0x5e','2026-11-30T16:05:51+00:00');
CREATE TABLE staff_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO "staff_users" VALUES('editor1','editor','scrypt$247a64a8ddf6bd4efc8912e300186cad$6003c9061d8211516f1c25e88336abb6158c0a1d3ad752f4454c30c620ed9a4aa3d0b85369bb4dac775db7e2687cdefdf232e676e3f55b467094527502bd01c4','2026-11-30T08:05:51+00:00');
INSERT INTO "staff_users" VALUES('reviewer1','reviewer','scrypt$04066c8200f694ef782d7829efbd110d$b9689d14c876b942ee13d1e295b4f44f800563a4d07b35c5b660ce1b22fc1bbd7efa7b53d7bf72b879c8d6d9e01a421a23553ec8cd3b825c56ef4cc553d6896b','2026-11-30T08:05:51+00:00');
CREATE TABLE synonym_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    reason TEXT NOT NULL,
    approval TEXT NOT NULL,
    version INTEGER
);
INSERT INTO "synonym_audit" VALUES(1,'2026-11-30T08:05:51+00:00','editor1','提议新增','','二代证 => 居民身份证  # 俗称','群众常用说法','待审核',NULL);
INSERT INTO "synonym_audit" VALUES(2,'2026-11-30T08:05:51+00:00','editor1','新增','','二代证 => 居民身份证  # 俗称','群众常用说法','reviewer1 批准提议#1',1);
INSERT INTO "synonym_audit" VALUES(3,'2026-11-30T08:05:51+00:00','editor1','提议新增','','身份证 => 户口本  # 错误','试试','待审核',NULL);
INSERT INTO "synonym_audit" VALUES(4,'2026-11-30T08:05:51+00:00','reviewer1','驳回','','身份证 => 户口本  # 错误','意思不同','驳回提议#2',NULL);
CREATE TABLE synonym_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    change TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    reviewer TEXT,
    decided_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
INSERT INTO "synonym_proposals" VALUES(1,'2026-11-30T08:05:51+00:00','editor1','{"action":"add","rule_id":null,"line":"二代证 => 居民身份证  # 俗称","owner":"","category":"","imported":[]}','群众常用说法','approved','reviewer1','2026-11-30T08:05:51+00:00','');
INSERT INTO "synonym_proposals" VALUES(2,'2026-11-30T08:05:51+00:00','editor1','{"action":"add","rule_id":null,"line":"身份证 => 户口本  # 错误","owner":"","category":"","imported":[]}','试试','rejected','reviewer1','2026-11-30T08:05:51+00:00','意思不同');
CREATE TABLE synonym_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    rules TEXT NOT NULL
);
INSERT INTO "synonym_versions" VALUES(1,'2026-11-30T08:05:51+00:00','editor1','[{"id": 1, "line": "二代证 => 居民身份证  # 俗称", "owner": "", "category": "", "enabled": true}]');
CREATE INDEX documents_pending ON documents (indexed_hash, content_hash);
CREATE INDEX documents_kind ON documents (kind, withdrawn);
CREATE INDEX query_log_query ON query_log (query);
CREATE INDEX click_log_query ON click_log (query);
CREATE INDEX items_group ON items (group_key);
CREATE INDEX items_guide ON items (guide_id);
CREATE INDEX item_links_item ON item_links (item_key);
CREATE INDEX crawl_urls_status ON crawl_urls (profile, status, depth);
CREATE INDEX crawl_fp_number ON crawl_fingerprints (doc_number);
CREATE INDEX crawl_reposts_canonical ON crawl_reposts (canonical_id);
CREATE INDEX staff_login_failures_name ON staff_login_failures (name, at);
CREATE TRIGGER synonym_audit_no_update BEFORE UPDATE ON synonym_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER synonym_audit_no_delete BEFORE DELETE ON synonym_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE INDEX best_bets_key ON best_bets (query_key);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('synonym_proposals',2);
INSERT INTO "sqlite_sequence" VALUES('synonym_audit',4);
INSERT INTO "sqlite_sequence" VALUES('synonym_versions',1);
INSERT INTO "sqlite_sequence" VALUES('best_bets',1);
INSERT INTO "sqlite_sequence" VALUES('query_log',3);
INSERT INTO "sqlite_sequence" VALUES('click_log',1);
COMMIT;
