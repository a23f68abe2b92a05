import AlmanacCalendar
import AlmanacPlan

/// What drafting needs besides the document.
public struct DraftOptions: Sendable {
    /// The year the drafted plan applies to (`plan.years`); the CLI passes this year by default.
    public var year: Int
    /// The document's file name, written as the plan's `source`.
    public var sourceName: String
    /// Whether the official holiday table of a year is known. With a table, 春节期间 becomes
    /// `holiday 春节` (the official break); without one, a window around the festival.
    public var hasHolidayTable: @Sendable (Int) -> Bool
    /// Festivals and named days recognised in the text.
    public var festivals: FestivalCatalog

    public init(
        year: Int, sourceName: String = "document.txt", hasHolidayTable: @escaping @Sendable (Int) -> Bool = { _ in false },
        festivals: FestivalCatalog = .standard
    ) {
        self.year = year
        self.sourceName = sourceName
        self.hasHolidayTable = hasHolidayTable
        self.festivals = festivals
    }
}

/// How sure the drafter is of each field of an item, from 0 (a guess) to 1 (read verbatim).
public struct DraftConfidence: Sendable, Hashable, Codable {
    public var item: Double
    public var title: Double
    public var kind: Double
    public var when: Double
    public var owners: Double
    public var figures: Double
}

/// A minimum frequency read from the text (每周不少于两次 = 2 per week).
public struct DraftQuota: Sendable, Hashable, Codable {
    public var count: Int
    public var per: String

    public init(count: Int, per: String) {
        self.count = count
        self.per = per
    }
}

/// One schedulable thing found in the document.
public struct DraftItem: Sendable, Hashable, Codable {
    /// ASCII id: `l14-meeting` (line 14, a meeting).
    public var id: String
    public var kind: ItemKind
    public var title: String
    /// The date rule, in canonical DateRule form.
    public var when: String
    /// The date as the document writes it: 9月20日—10月10日, “五一”节假日前.
    public var spelled: String
    /// Time of day (`10:00`), when the text gives one.
    public var time: String?
    /// Unit ids responsible (district units named near the date).
    public var owners: [String]
    /// Unit ids above the district named near the date (市文明办), taking part.
    public var participants: [String]
    /// Figures attached: 80个责任单位, 143大项, 2937份.
    public var figures: [String]
    /// Further words: 第七届, 每天.
    public var tags: [String]
    public var quota: DraftQuota?
    /// `sourced`, `official` or `chosen` (see docs/plan-format.md).
    public var dateSource: DateSource
    /// 1-based line of the document (the first, when a section is repeated).
    public var line: Int
    /// The whole sentence the item is in.
    public var sentence: String
    /// The part of the sentence that belongs to this item (an exact substring of the line).
    public var quote: String
    public var section: DocumentSection
    /// What a person should confirm (written as `# 待确认:` in the YAML).
    public var unsure: [String]
    /// Numbers near the date that are not dates: 12318 (电话), 第七届, 90周年, XX年.
    public var notDates: [String]
    public var confidence: DraftConfidence
}

/// A unit named in the document.
public struct DraftUnit: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
}

/// The draft plan: items, units and what was left out.
public struct Draft: Sendable, Hashable, Codable {
    public var name: String
    public var year: Int
    /// The year the document writes for its plan ("2022年工作安排"), if any.
    public var documentYear: Int?
    public var placeholderYears: [String]
    public var source: String
    public var encoding: DocumentEncoding
    /// Whether the document is written in traditional characters (read as simplified; quotes
    /// and titles keep the document's characters).
    public var traditional: Bool
    public var lines: Int
    public var dropped: [DroppedLine]
    public var units: [DraftUnit]
    public var items: [DraftItem]
}

/// Reads a Chinese work plan or summary and drafts a plan from it: rules and dictionaries only.
public enum PlanDrafter {
    /// Decodes `bytes` (UTF-8 with or without BOM, UTF-16 with BOM, or GB18030) and drafts.
    public static func draft(bytes: [UInt8], options: DraftOptions) throws(DraftError) -> Draft {
        let (text, encoding) = try DocumentText.decode(bytes)
        guard text.contains(where: { DocumentScanner.isHan($0) || $0.isLetter }) else {
            throw DraftError(.empty, "the document holds no text")
        }
        return draft(text: text, encoding: encoding, options: options)
    }

    /// Drafts from text already decoded.
    public static func draft(text: String, encoding: DocumentEncoding = .utf8, options: DraftOptions) -> Draft {
        let doc = SourceDocument(text: text)
        var scanner = MentionScanner(
            year: options.year, hasHolidayTable: options.hasHolidayTable(options.year), catalog: options.festivals)
        scanner.documentFestival = Self.documentFestival(doc, catalog: options.festivals)
        var lineChars: [Int: [Character]] = [:]
        for s in doc.sentences { lineChars[s.line, default: []] += s.chars }
        // Layout: lines that name the document or sign it, month headings and the points under them.
        var skipLines: Set<Int> = []
        var monthOf: [Int: Int] = [:]
        var currentMonth: Int?
        // The festival a section's heading names (三、清明节活动安排), for the numbered points under it.
        var festivalOf: [Int: Mention] = [:]
        var currentFestival: Mention?
        // The line of that heading, for each line under it; and the headings whose points took their festival.
        var festivalHeadingOf: [Int: Int] = [:]
        var currentFestivalLine = 0
        var headingsGiven: Set<Int> = []
        // The district, town or unit a line of its own names over rows that open with their dates (鼓楼区 /
        // 1月25日 鼓楼区迎新春联欢…… / 2月7日 围棋活动……): it owns the rows under it, up to the next such line.
        var groupOwnerOf: [Int: String] = [:]
        var currentGroupOwner: String?
        var inRequirements = false
        var requirementLines: Set<Int> = []
        var inHistory = false
        var historyLines: Set<Int> = []
        var lineIndex: [Int: Int] = [:]
        // Each line's field label, read once (时间, 主办, 活动内容…).
        let labels = doc.keptLines.map { Layout.fieldLabel($0.text) }
        for (n, l) in doc.keptLines.enumerated() {
            lineIndex[l.line] = n
            let t = String(l.text)
            if let month = Layout.monthHeading(t) {
                currentMonth = month
                currentFestival = nil
                skipLines.insert(l.line)
                continue
            }
            // (Or a heading of the next level, in brackets, under a section of its own: 三、活动内容 / (一)清明节活动 / 1、开展……)
            if Layout.isSectionHeading(t) || Layout.enumeratorLevel(l.text) == 2 && l.text.count <= 20 {
                currentFestival = Self.festivalHeading(l.text, scanner: scanner)
                currentFestivalLine = l.line
            }
            // (A date alone under a time label, 1.活动时间 / 2025年5月4日08:30, is the field's value, not a signature.)
            if let h = Self.activityOverLabel(doc.keptLines, n) { skipLines.insert(doc.keptLines[h].line) }
            if Layout.isTitleLine(t) || (Layout.isSigningDate(t) && !(n > 0 && Self.isTimeHeading(doc.keptLines[n - 1].text)))
                || Layout.isRecordLine(t) || Layout.isBreadcrumb(t)
                || (n + 1 < doc.keptLines.count && Layout.isHeadlineOver(l.text, stamp: doc.keptLines[n + 1].text))
            {
                skipLines.insert(l.line)
                continue
            }
            if Layout.isSectionHeading(t) {
                currentMonth = nil
                currentGroupOwner = nil
            }
            if Layout.isPlaceOrUnit(t.trimmingSpaces()), n + 1 < doc.keptLines.count,
                let next = doc.keptLines[n + 1].text.first(where: { $0 != " " && $0 != "\u{3000}" }), DocumentScanner.digit(next) != nil || next == "元"
            {
                currentGroupOwner = t.trimmingSpaces()
                continue
            }
            if let g = currentGroupOwner {
                let c = l.text.drop { $0 == " " || $0 == "\u{3000}" }
                if c.first.map({ DocumentScanner.digit($0) != nil || $0 == "元" }) == true || (c.count <= 40 && !c.contains("。")) {
                    groupOwnerOf[l.line] = g
                } else {
                    currentGroupOwner = nil
                }
            }
            if let heading = Layout.numberedHeading(l.text) { inRequirements = Layout.isRequirementHeading(heading) }
            // A short label line opens a part of a notice too (节日由来, 假期安全 on a school's page): the
            // history of the festival is not a plan, and safety tips are requirements.
            if let label = Layout.shortLabel(l.text) {
                // (The label names what the history is of: a day or a festival, 节日由来, 防灾减灾日简介; a
                // document site's 文档简介 opens the document itself.)
                inHistory = ["由来", "来历", "简介", "起源", "小知识"].contains { label.hasSuffix($0) }
                    && (label.count <= 3 || label.contains("节") || label.contains("日") || label.contains("的"))
                inRequirements = inHistory || ["安全提示", "安全提醒", "温馨提示", "假期安全", "注意事项"].contains { label.contains($0) }
            }
            if inHistory { historyLines.insert(l.line) }
            if inRequirements { requirementLines.insert(l.line) }
            if let month = currentMonth { monthOf[l.line] = month }
            if let f = currentFestival {
                festivalOf[l.line] = f
                festivalHeadingOf[l.line] = currentFestivalLine
            }
            // The heading over a "时间：" field names the activity the field dates: its title, not an item.
            if labels[n]?.contains("时间") == true {
                var j = n - 1
                while j >= 0, n - j <= 8, labels[j] != nil { j -= 1 }
                // (A numbered heading with a comma in its name counts: (二)肩负时代责任,激扬青年担当—……入团仪式.)
                let hj = j >= 0 ? doc.keptLines[j].text : []
                let numbered = Layout.enumeratorLength(hj) > 0 && hj.count <= 40 && !hj.contains("。") && Layout.fieldLabel(hj) == nil
                if j >= 0, n - j <= 8, Layout.isProgrammeHeading(hj) || numbered, !Self.betweenHeadingAndFields(hj) {
                    skipLines.insert(doc.keptLines[j].line)
                } else if j >= 0, n - j <= 8, let h = Self.headingAbove(doc.keptLines, j) {
                    // (A paragraph on the activity between its heading and its fields is the activity told.)
                    for k in h...j { skipLines.insert(doc.keptLines[k].line) }
                }
            }
        }
        let festivalNames = Dictionary(grouping: MentionScanner.names(options.festivals).map(\.chars)) { $0[0] }
        var describing: Set<Int> = []
        for l in doc.keptLines {
            guard let first = l.text.first(where: { $0 != " " && $0 != "\u{3000}" }) else { continue }
            if first == "其" || first == "它" || festivalNames[first] != nil,
                Layout.isFestivalDescription(l.text, names: festivalNames[first] ?? [])
            {
                describing.insert(l.line)
            }
        }
        let titleLine = doc.title.flatMap { t in
            // (A comma inside a quoted name does not make a headline a sentence: 虹桥镇开展“粽情端午,传承文明”主题活动.)
            var depth = 0
            let sentence = t.contains { ch in
                if "“「《".contains(ch) { depth += 1 } else if "”」》".contains(ch) { depth = max(0, depth - 1) }
                return depth == 0 && "。，,；;".contains(ch)
            }
            return t.count > 40 || sentence ? nil : doc.keptLines.first { String($0.text).contains(t) }?.line
        }
        let titleText = titleLine.flatMap { l in lineIndex[l].map { String(doc.keptLines[$0].text).trimmingSpaces() } }.flatMap { $0.count >= 6 ? $0 : nil }
        // The 活动内容 field of a field group that has its own 时间 field: what it names is that item's.
        var fieldContentLines: Set<Int> = []
        for (n, l) in doc.keptLines.enumerated() where labels[n]?.contains("内容") == true {
            if labels[max(0, n - 6)..<min(labels.count, n + 7)].contains(where: { $0?.contains("时间") == true }) { fieldContentLines.insert(l.line) }
        }
        var festivalsDrafted: Set<String> = []
        var items: [DraftItem] = []
        var candidates: [DraftItem] = []
        var usedIDs: Set<String> = []
        var seenKeys: Set<String> = []
        var unitsUsed: [String: KnownUnit] = [:]
        var unitOrder: [String] = []
        var unitListed: Set<String> = []
        var namedUnits: [String: String] = [:]
        /// The id of a unit named in the text: the dictionary's, or a new one (u1, u2…).
        func unitID(_ name: String) -> String {
            let chars = Array(name)
            if let known = UnitDictionary.find(in: chars, range: 0..<chars.count).first, known.at == 0,
                UnitDictionary.entries.contains(where: { $0.unit.id == known.unit.id && $0.chars.count == chars.count })
            {
                return known.unit.id
            }
            if let id = namedUnits[name] { return id }
            let id = "u\(namedUnits.count + 1)"
            namedUnits[name] = id
            unitsUsed[id] = KnownUnit(id: id, name: name, spellings: [name])
            return id
        }
        // A month table flattened into one line ("1、… 二 月 … 5、… 三 月 1、…"): each numbered point
        // takes the month label of its group.
        var tables: [Int: [SourceSentence]] = [:]
        for l in doc.keptLines where !skipLines.contains(l.line) && l.text.count >= 40 {
            let original = doc.changedLines[l.line]?.original ?? l.text
            guard let points = Layout.flattenedMonthTable(original) else { continue }
            let section = doc.sentences.first { $0.line == l.line }?.section ?? .preamble
            tables[l.line] = points.map { p in
                // (A cell is never a page long: the last point of a table in a flattened page stops at
                // 600 characters, as sentences do, so the page's text after it is not one point.)
                let range = p.range.lowerBound..<min(p.range.upperBound, p.range.lowerBound + 600)
                let read = DraftText.normalize(String(original[range]), traditional: doc.traditional).text
                var point = SourceSentence(line: l.line, chars: Array(read[Layout.enumeratorLength(read)...]), section: section)
                point.month = p.month
                point.label = p.label
                return point
            }
        }
        var sentences: [SourceSentence] = []
        // (The rows of a term calendar: 第七周 | 4月3日?4月9日 | 清明节放假一天 |, where the cut is in the line.)
        let weekRows = lineChars.compactMapValues { Layout.weekRowRemarksStart($0) }
        var readOf: [Int: Int] = [:]
        // Rows of a table flattened with | between cells: the date of the last dated row, while rows follow
        // one another (a row with no date of its own is in the span of the row above: 第一周 | 3月1日-3月7日 |
        // 开学典礼 | 教育处 | … 开学督导迎检 | 督导室 |).
        var tableSpan: String?
        var lastTableLine: Int?
        var rowOf: [Int: Layout.TableRow?] = [:]
        func previousKept(_ line: Int) -> Int? { lineIndex[line].flatMap { $0 > 0 ? doc.keptLines[$0 - 1].line : nil } }
        for var sentence in doc.sentences where !skipLines.contains(sentence.line) {
            // (A row is read whole, once, even when a ; in a cell splits it into sentences.)
            // (Read once per line.)
            let row: Layout.TableRow?
            if let known = rowOf[sentence.line] {
                row = known
            } else {
                row = tables[sentence.line] == nil ? lineChars[sentence.line].flatMap { Layout.tableRow($0) } : nil
                rowOf[sentence.line] = .some(row)
            }
            if row != nil {
                if readOf[sentence.line] != nil { continue }
                if let all = lineChars[sentence.line] { sentence.chars = all }
            }
            if row == nil, lastTableLine != sentence.line { tableSpan = nil }
            if let row {
                if lastTableLine == nil || previousKept(sentence.line) != lastTableLine { tableSpan = nil }
                lastTableLine = sentence.line
                if let d = row.dateCell { tableSpan = row.cells[d] }
            }
            // (A row whose cells name no date of their own takes the span above it; its activity cell is
            // read after that date, and the prefix is taken out of the quote again.)
            func spanned(_ s: SourceSentence, _ row: Layout.TableRow) -> SourceSentence? {
                guard let span = tableSpan, let activity = row.activity, scanner.scan(Array(activity)).isEmpty else { return nil }
                var t = s
                t.tablePrefix = span + "，"
                t.chars = Array(span + "，" + activity)
                t.tableTitle = Layout.cellActivity(activity)
                t.tableOwners = row.owners
                return t
            }
            if let points = tables[sentence.line] {
                if sentences.last?.line != sentence.line { sentences += points }
            } else if let cut = weekRows[sentence.line] {
                // A term calendar's row: only its remarks (报到, 放假, 考试) are read.
                let start = readOf[sentence.line, default: 0]
                readOf[sentence.line] = start + sentence.chars.count
                var remarks = sentence
                remarks.chars = Array(sentence.chars[max(0, min(sentence.chars.count, cut - start))...])
                // (Remarks that are an activity with no date of their own are in the week: 开学典礼 | 教育处.)
                if let row, let t = spanned(sentence, row) {
                    sentences.append(t)
                } else if remarks.chars.contains(where: { DocumentScanner.isHan($0) }) {
                    if let row, row.owners.count > 0 {
                        remarks.tableTitle = row.activity.map(Layout.cellActivity)
                        remarks.tableOwners = row.owners
                    }
                    sentences.append(remarks)
                }
            } else if let row {
                readOf[sentence.line] = sentence.chars.count
                if row.dateCell == nil, let t = spanned(sentence, row) {
                    sentences.append(t)
                } else {
                    var t = sentence
                    t.tableTitle = row.activity.map(Layout.cellActivity)
                    t.tableOwners = row.owners
                    sentences.append(t)
                }
            } else {
                sentences.append(sentence)
            }
        }
        // The document's organiser ("由……主办", "主办单位：……"): the owner of items that name none.
        var organisers: [String] = []
        for l in doc.keptLines where organisers.isEmpty {
            if let label = Layout.fieldLabel(l.text), label.contains("主办") {
                organisers = UnitDictionary.listed(in: Layout.fieldValue(l.text), field: true)
            } else if let by = l.text.firstIndex(of: "由"), let end = Self.find(Array("主办"), in: l.text, from: by) ?? Self.find(Array("牵头"), in: l.text, from: by),
                end - by <= 40
            {
                organisers = UnitDictionary.listed(in: Array(l.text[(by + 1)..<end]))
            }
        }
        // Else the unit that issues it: named at the head of its title (县文化馆关于举办……的公告) or
        // signing it (a line that is only a unit's name, near the end).
        // (The headline may stand under a page's breadcrumb, among the first short lines: 您的当前位置:首页正文 /
        // 2024街道办事处团委工作计划 篇1.)
        let headlines = (doc.title.map { [$0] } ?? [])
            + doc.keptLines.prefix(6).map { String($0.text).trimmingSpaces() }.filter { $0.count <= 30 && !$0.contains(where: { "。，,；;:：".contains($0) }) }
        for title in headlines where organisers.isEmpty {
            // (A year may stand before the name: 2024街道办事处团委工作计划, 2024年度县文化馆工作要点.)
            let t = Array(title.drop { $0.isASCII && $0.isNumber }.drop { "年度".contains($0) })
            // (文化站3月份工作总结, 县文明办2024年工作要点, 文化站月工作计划: a date or 工作 after the name too.)
            if let u = UnitDictionary.bySuffix(in: t, range: 0..<t.count).first, u.at == 0, u.name.count >= 3, u.name.count < t.count,
                DocumentScanner.matches(t, u.name.count, "关于") || DocumentScanner.matches(t, u.name.count, "工作")
                    || "月年季".contains(t[u.name.count]) && DocumentScanner.matches(t, u.name.count + 1, "工作")
                    || DocumentScanner.digit(t[u.name.count]) != nil
            {
                organisers = [u.name]
            }
        }
        if organisers.isEmpty {
            // (Or the author line a page prints under its headline: 向城镇兴明小学.)
            // (Or a line of its own among those over the document's first paragraph: 关于……情况说明 / 庆云县文明办 /
            // 关于……情况说明 / 今年以来,……; 淮安市妇联。 among a programme's fields whose labels were lost.)
            let lead = max(4, doc.keptLines.prefix(10).firstIndex { $0.text.count >= 40 } ?? 4)
            for l in doc.keptLines.suffix(6).reversed() + doc.keptLines.prefix(lead) where l.text.count <= 24 {
                var t = Array(String(l.text).trimmingSpaces())
                if t.count > 1, t.last == "。" { t.removeLast() }
                // (A place word the name ends at may stand before it: 向城镇兴明小学.)
                if let u = UnitDictionary.bySuffix(in: t, range: 0..<t.count).first, u.at <= 1, u.at + u.name.count == t.count {
                    organisers = [String(t)]
                    break
                }
            }
        }
        // Else the unit the lead names as organising the programme (菏泽市委社会工作部在全市范围内组织开展……).
        if organisers.isEmpty {
            for l in doc.keptLines.prefix(12) where l.text.count >= 20 && organisers.isEmpty {
                for verb in ["组织开展", "开展", "举办", "举行", "精心筹备", "筹备", "策划", "制定"] {
                    guard let at = Self.find(Array(verb), in: l.text, from: 0) else { continue }
                    let clauseStart = l.text[..<at].lastIndex { "，,。；;：:".contains($0) }.map { $0 + 1 } ?? 0
                    let clause = Array(l.text[clauseStart..<at])
                    // (The unit opens the clause, or stands close before the verb with no purpose between:
                    // ……护理部将在温暖的5月举办.)
                    if let u = UnitDictionary.organisers(in: clause).first(where: { u in
                        let between = clause[(u.at + u.name.count)...]
                        return u.at <= 2 || (between.count <= 8 && !between.contains("为"))
                    }) {
                        organisers = [u.name]
                        break
                    }
                }
            }
        }
        // Else the units a notice is addressed to (各乡镇文明办，各级文明创建单位：): they carry it out.
        if organisers.isEmpty {
            for l in doc.keptLines.prefix(8) where l.text.count <= 60 && (l.text.last == ":" || l.text.last == "：") {
                let units = UnitDictionary.listed(in: Array(l.text.dropLast()))
                if !units.isEmpty {
                    organisers = units
                    break
                }
            }
        }
        // Else the unit that speaks of itself as 我馆, 本馆, 我校 (结合我馆实际情况,现我馆对……开放作如下安排 … 图书馆对外开放):
        // the unit of that kind the document names first.
        if organisers.isEmpty {
            let kinds: [Character] = ["馆", "校", "院", "站", "局", "所", "委", "处"]
            var kind: Character?
            for l in doc.keptLines.prefix(12) where kind == nil {
                for i in l.text.indices.dropLast() where (l.text[i] == "我" || l.text[i] == "本") && kinds.contains(l.text[i + 1]) {
                    kind = l.text[i + 1]
                    break
                }
            }
            if let kind {
                for l in doc.keptLines.prefix(30) where organisers.isEmpty {
                    if let u = UnitDictionary.bySuffix(in: l.text, range: 0..<l.text.count).first(where: { $0.name.count >= 2 && $0.name.last == kind }) {
                        organisers = [u.name]
                    }
                }
            }
        }
        var builtAt: Set<Int> = []
        // (Sentences that dated an item by a day of their own, not by a heading's month or a festival.)
        var datedAt: Set<Int> = []
        // Inside a theme field (节日主题:春节是……。在春节及元宵节期间要突出……的主题。) until the next field
        // (活动形式:, 活动时间) or point: a festival there is what the theme is about, not a day.
        var inTheme = false
        // Sentences timed only from the activity (提前一周开始宣传, 活动结束后两三天,对活动做相关总结).
        var relatives: [(sentence: SourceSentence, offset: String, spelled: String)] = []
        // The programme's themes (活动主题:……, the line under 二、活动主题), in their matching form.
        var themes: [String] = []
        for (n, l) in doc.keptLines.enumerated() {
            var value: [Character]?
            if labels[n]?.hasSuffix("主题") == true {
                value = Layout.fieldValue(l.text)
            } else if n > 0, Layout.isThemeHeading(doc.keptLines[n - 1].text), Layout.enumeratorLength(l.text) == 0 {
                value = l.text
            }
            guard let value else { continue }
            let form = DraftText.matchingForm(String(value.filter { !"“”「」\"".contains($0) }))
            if form.count >= 4 { themes.append(form) }
        }
        // The month of the last date written before a sentence (its lead, a dateline, a page's date on a line of its
        // own), for a day written without its month (28日上午; 26日下午1:30).
        var contextMonth: Int?
        var pageDates = Self.pageDateMonths(text)[...]
        // (Each sentence's written days are read once: for it, and for the sentence before it.)
        var daysHere = sentences.first.map { Self.writtenMonthDays($0.chars) } ?? []
        let datedRows = Self.datedRowLines(doc)
        let documentMonth = Self.documentMonth(doc)
        // The lines of named days a month's part lists (五月份 / 第二个星期母亲节): each is kept on its day.
        var listedDays: Set<Int> = []
        for (index, sentence) in sentences.enumerated() {
            while let first = pageDates.first, first.line < sentence.line {
                contextMonth = first.month
                pageDates = pageDates.dropFirst()
            }
            let daysNext = index + 1 < sentences.count ? Self.writtenMonthDays(sentences[index + 1].chars) : []
            var sentenceScanner = scanner
            sentenceScanner.contextMonth = contextMonth
            if !daysHere.isEmpty || !daysNext.isEmpty {
                sentenceScanner.restatedDays = Dictionary((daysHere + daysNext).map { ($0.day, $0.month) }) { first, _ in first }
            }
            contextMonth = daysHere.last?.month ?? contextMonth
            daysHere = daysNext
            do {
                let t = String(sentence.chars)
                let label = t.firstIndex { $0 == ":" || $0 == "：" }.map { String(t[..<$0].suffix(8)) }
                if index > 0, sentences[index - 1].line != sentence.line {
                    inTheme = false
                    // (The value on the line under a theme heading: 一、活动主题 / 欢乐春节.)
                    if let n = lineIndex[sentence.line], n > 0, Layout.isThemeHeading(doc.keptLines[n - 1].text),
                        Layout.enumeratorLength(sentence.chars) == 0
                    {
                        inTheme = true
                    }
                }
                if let label, label.hasSuffix("主题") {
                    inTheme = true
                } else if label.map({ l in ["形式", "时间", "内容", "安排", "要求", "地点"].contains { l.hasSuffix($0) } }) == true
                    || Layout.enumeratorLength(sentence.chars) > 0
                {
                    inTheme = false
                }
            }
            let builder = ItemBuilder(sentence: sentence, lineChars: lineChars[sentence.line] ?? [], scanner: sentenceScanner)
            var built: [DraftItem]
            if let month = sentence.month {
                var item = builder.sectionItem(month: month)
                if let label = sentence.label {
                    item.title = item.title.removing(label).removing("时间内容")
                }
                built = [item]
            } else {
                built = builder.items()
                if built.contains(where: { ItemBuilder.isMonthDay($0.when) }) { datedAt.insert(index) }
            }
            // A sentence that opens with a part of the day or "then" (上午,……; 随即,……) and writes no date
            // of its own is on the day the sentence before gave (10月28日是重阳节。上午,……义诊), even when
            // that sentence only named the day's occasion. Looks back at most three sentences. (When that
            // day already dates an item, only a new activity opened by its own verb is another item:
            // 随即,镇机关干部开展了……包粽子; not 下午,……填土工作顺利结束, the same day told on.)
            // (Also when the sentence names only a festival or named day, 当天上午,……开展2024年全民国防教育日宣传
            // 活动, after a sentence that wrote the day it falls on: 2024年9月21日是……全民国防教育日. The written
            // day is the day; the name is the activity's.)
            // (Within its paragraph, the line, it looks back past more sentences, at most eight: 7月22日下午,……检查。
            // 互查小组……。按照……打分。区文明办……排名。 晚上,大观区开展……模拟入户测评.)
            let onlyNamed = !built.isEmpty && built.allSatisfy { Self.occasion(of: $0) != nil }
            if built.isEmpty || onlyNamed, sentence.month == nil, let word = ItemBuilder.relativeOpening(sentence.chars) {
                let named = built
                let opensActivity = ItemBuilder.verbs.contains { String(sentence.chars).contains($0) }
                var k = index - 1
                while k >= 0, index - k <= 3 && sentence.line - sentences[k].line <= 3 || index - k <= 8 && sentences[k].line == sentence.line {
                    if let day = scanner.scan(sentences[k].chars).last(where: { $0.form == .day }) {
                        if builtAt.contains(k) && !opensActivity { break }
                        let prefix = day.spelled + "，"
                        var shifted = sentence
                        shifted.chars = Array(prefix) + sentence.chars
                        let b = ItemBuilder(sentence: shifted, lineChars: lineChars[sentence.line] ?? [], scanner: scanner)
                        built = b.items().map { item in
                            var item = item
                            if item.quote.utf8HasPrefix(prefix) { item.quote = String(item.quote.dropFirst(prefix.count)) }
                            if item.sentence.utf8HasPrefix(prefix) { item.sentence = String(item.sentence.dropFirst(prefix.count)) }
                            item.unsure.append("日期取自前文（\(day.spelled)，\(word)）")
                            return item
                        }
                        // (A sentence that only names a festival takes the day only when the day is the
                        // one the sentence before names it on.)
                        let before = String(sentences[k].chars)
                        if !named.isEmpty, built.contains(where: { Self.occasion(of: $0) != nil })
                            || !named.allSatisfy({ before.contains($0.spelled.filter(DocumentScanner.isHan)) })
                        {
                            built = named
                        }
                        break
                    }
                    k -= 1
                }
            }
            // (A later sentence of a paragraph whose first sentence dated its activity tells it on: 1月8日,……开展
            // ……活动。活动现场,书法家们……)
            let toldOn = index > 0 && sentences[index - 1].line == sentence.line && datedAt.contains(index - 1)
                && Layout.enumeratorLength(sentence.chars) == 0
            // (In a month's plan, 市教育局五月份的工作安排……主要工作如下:1、……, each numbered point is of that month.)
            let pointMonth = monthOf[sentence.line] ?? (Layout.enumeratorLength(sentence.chars) > 0 ? documentMonth : nil)
            if built.isEmpty, !toldOn, let month = pointMonth, !datedRows.contains(sentence.line) {
                // A point under a month heading ("二月主题：" … "3、班容班貌评比工作。").
                var point = sentence
                let e = Layout.enumeratorLength(point.chars)
                // (Or a sentence that does something, in a yearly summary's month part: 为庆祝三八妇女节,时代社区举办……)
                if e > 0 || monthOf[sentence.line] != nil && (sentence.chars.count <= 60 || sentence.chars.count <= 150
                    && (index == 0 || sentences[index - 1].line != sentence.line)
                    && ItemBuilder.verbs.contains(where: { String(sentence.chars).contains($0) }))
                {
                    point.chars = Array(point.chars[e...])
                    if point.chars.contains(where: { DocumentScanner.isHan($0) }) {
                        let b = ItemBuilder(sentence: point, lineChars: lineChars[sentence.line] ?? [], scanner: scanner)
                        // (A named day the month's cell lists, 第二个星期母亲节, 第三个星期日 父亲节: on its own day.)
                        if let day = Self.bareNamedDay(point.chars, scanner: scanner) {
                            built = [b.sectionItem(day, note: "日期取自节日名（\(day.spelled)）")]
                            listedDays.insert(sentence.line)
                        } else {
                            built = [b.sectionItem(month: month)]
                        }
                    }
                }
            }
            // A numbered point under a festival's section heading (三、清明节活动安排 / 1. 组织“缅怀先烈”祭扫活动)
            // that writes no date is on that festival, as a point under a month heading is in that month.
            if built.isEmpty, !toldOn, monthOf[sentence.line] == nil, let f = festivalOf[sentence.line] {
                let e = Layout.enumeratorLength(sentence.chars)
                if e > 0, e < sentence.chars.count, sentence.chars[..<e].contains(where: { $0 != " " }) {
                    var point = sentence
                    point.chars = Array(point.chars[e...])
                    if point.chars.contains(where: { DocumentScanner.isHan($0) }) {
                        let b = ItemBuilder(sentence: point, lineChars: lineChars[sentence.line] ?? [], scanner: scanner)
                        built = [b.sectionItem(f, note: "日期取自所在的“\(f.spelled)”标题")]
                        if let h = festivalHeadingOf[sentence.line] { headingsGiven.insert(h) }
                    }
                }
            }
            if inTheme { built.removeAll { Self.occasion(of: $0) != nil } }
            // The unfinished last sentence of a text cut off (no closing mark at its end): a date after which it holds
            // fewer than four characters of its own (a frame, 结合……的到来, set aside) was cut before its activity
            // (在6月,结合“六一”国际儿童节的到来,社; 8、“國慶青年; 于8月8日免; 现将2012年庆祝三八节).
            if index == sentences.count - 1, !built.isEmpty, let n = lineIndex[sentence.line], n == doc.keptLines.count - 1,
                let end = doc.keptLines[n].text.last(where: { $0 != " " && $0 != "\u{3000}" }),
                !"。.!！?？;；:：)）”\"」』".contains(end)
            {
                built.removeAll { Self.cutBeforeItsActivity($0, in: sentence.chars) }
            }
            // A point's time in brackets after its sentence (1、利用周一的国旗下的讲话,……进行演讲。(时间9月16日升旗仪式)):
            // the point's activity names it.
            if !built.isEmpty, index > 0, sentences[index - 1].line == sentence.line,
                let open = sentence.chars.first(where: { $0 != " " }), open == "(" || open == "（", String(sentence.chars.prefix(5)).contains("时间")
            {
                let t = Layout.headingTitle(sentences[index - 1].chars)
                if t.count >= 4 {
                    for n in built.indices {
                        built[n].title = t
                        built[n].confidence.title = 0.6
                    }
                }
            }
            // A table row's item: the quote as written, titled by its activity cell, owned by its owner cell.
            for n in built.indices {
                if let prefix = sentence.tablePrefix {
                    if built[n].quote.utf8HasPrefix(prefix) { built[n].quote = String(built[n].quote.dropFirst(prefix.count)) }
                    if built[n].sentence.utf8HasPrefix(prefix) { built[n].sentence = String(built[n].sentence.dropFirst(prefix.count)) }
                }
                if let title = sentence.tableTitle, title.count >= 2 { built[n].title = String(title.prefix(48)) }
                if !sentence.tableOwners.isEmpty {
                    built[n].owners = Self.unitIDs(sentence.tableOwners, unitID)
                    built[n].confidence.owners = 0.8
                    built[n].unsure.removeAll { $0 == "原文没有写负责单位" || $0.hasPrefix("负责单位取自") }
                }
            }
            // A date in a time field that follows its activity (1、组织文化、体育竞赛活动。内容包括……,活动时间为
            // 2012年元月15日至2月15日。): titled by the activity the point named before it.
            for n in built.indices where index > 0 && sentences[index - 1].line == sentence.line {
                let bare = built[n].title.filter { !"为:： ".contains($0) }
                guard bare.isEmpty || bare == "活动时间" || bare == "时间" else { continue }
                var prev = sentences[index - 1].chars
                prev = Array(prev[Layout.enumeratorLength(prev)...])
                if let colon = prev.firstIndex(where: { $0 == ":" || $0 == "：" }), colon <= 6 {
                    prev = Array(prev[(colon + 1)...])
                    prev = Array(prev[Layout.enumeratorLength(prev)...])
                }
                let name = String(prev).trimmingSpaces().trimmingSuffix(["。", "；", ";"])
                if name.count >= 2, name.count <= 48, ItemBuilder.actionWords.contains(where: { name.contains($0) }) { built[n].title = name }
            }
            if !built.isEmpty { builtAt.insert(index) }
            if built.isEmpty, let relative = ItemBuilder.relativeToActivity(sentence.chars) { relatives.append((sentence, relative.offset, relative.spelled)) }
            for var item in built {
                Self.applyLayout(&item, doc: doc, lineIndex: lineIndex, unitID: unitID)
                // A day that opens a stretch its sentence measures (5月9日,我州启动为期一周的……宣传活动): the window.
                if ItemBuilder.isMonthDay(item.when), let days = Self.stretch(after: item.spelled, in: item.sentence),
                    let m = Int(item.when.prefix(2)), let d = Int(item.when.suffix(2)), let start = CivilDate(year: 2026, month: m, day: d)
                {
                    let end = start.adding(days: days - 1)
                    item.when += "..\(MentionScanner.two(end.month))-\(MentionScanner.two(end.day))"
                    item.unsure.append("“为期”读作从\(item.spelled)起的\(days)天")
                }
                // The date cell of a table flattened one cell per line is titled by the next cell of its row that
                // has words (| 3月1日—3月7日 / | 开学典礼), when its own line has none.
                if datedRows.contains(item.line), !item.title.contains(where: { DocumentScanner.isHan($0) }), let n = lineIndex[item.line] {
                    var k = n + 1
                    while k < doc.keptLines.count, datedRows.contains(doc.keptLines[k].line) {
                        let cell = doc.keptLines[k].text.filter { $0 != "|" && $0 != "｜" }
                        if cell.contains(where: { DocumentScanner.isHan($0) }) {
                            item.title = Layout.headingTitle(cell)
                            item.confidence.title = 0.6
                            break
                        }
                        k += 1
                    }
                }
                if item.owners.isEmpty, let g = groupOwnerOf[item.line] {
                    item.owners = Self.unitIDs([g], unitID)
                    item.confidence.owners = 0.6
                    item.unsure.removeAll { $0 == "原文没有写负责单位" }
                }
                if item.owners.isEmpty, !organisers.isEmpty {
                    item.owners = Self.unitIDs(organisers, unitID)
                    item.confidence.owners = 0.3
                    item.unsure.removeAll { $0 == "原文没有写负责单位" }
                    item.unsure.append("负责单位取自文件的主办单位，请核对")
                }
                // 每日 in a later sentence of a point whose window an earlier sentence gave (6月2日至30日,在南昌日报
                // ……开设专栏。同时在每日黄金时段……播发……): part of that window's work, not a daily item.
                if item.when == "daily", ["每日", "每天"].contains(where: { item.spelled.contains($0) }),
                    let w = candidates.lastIndex(where: { $0.line == item.line && $0.when.contains("..") })
                {
                    if !candidates[w].tags.contains("每天") { candidates[w].tags.append("每天") }
                    continue
                }
                let key = item.when + "|" + item.quote + "|" + item.title
                if seenKeys.contains(key) { continue }
                seenKeys.insert(key)
                // A paragraph about the festival (its date, names, origin, history) schedules nothing;
                // a day it dates without a year stays (……6月23日开展).
                // (Not a dated clause that holds an activity of its own after the description: 端午节是中国传统节日,2022年5月25号
                // 下午14:30在东关社区开展丰富多彩的活动.)
                if describing.contains(item.line), !(item.spelled.contains("日") && !item.spelled.contains("年")),
                    !ItemBuilder.verbs.contains(where: { DraftText.matchingForm(Self.clause(of: item.spelled, in: item.sentence)).contains($0) })
                {
                    continue
                }
                // The headline of a page or notice names what the document is about, not an item.
                if item.line == titleLine { continue }
                // (Also the headline told again in the body, 2022年街道春节期间创建文明城市活动纪实 at the head of the text.)
                // (Or a shorter headline inside it on a line of its own: 街道春节期间创建文明城市活动纪实.)
                if let t = titleText, let idx = lineIndex[item.line] {
                    let own = String(doc.keptLines[idx].text).trimmingSpaces()
                    if own == t || (own.count >= 8 && t.contains(own) && !own.contains(where: { "。，,；;".contains($0) })) { continue }
                }
                if historyLines.contains(item.line) { continue }
                if fieldContentLines.contains(item.line), Self.occasion(of: item) != nil { continue }
                if let festival = Self.occasion(of: item) {
                    // The requirements of a notice (确保元宵节期间各项活动安全有序) are not activities,
                    // nor a count of them in a report (春节期间……文化活动超过500场).
                    // The headline of a news page or notice names its occasion (定兴县元宵节15场活动开始啦).
                    if requirementLines.contains(item.line) || Self.isTally(item.quote) { continue }
                    // The festival as the occasion of an activity told before (此次活动以“端午”为契机,
                    // 以元宵节活动为载体, 活动内容……).
                    if Self.isOccasion(item, festival: festival, catalog: options.festivals) { continue }
                    // Named again with no activity of its own (组织他们参加端午期间的各种主题活动): the
                    // programme already drafted for that festival.
                    if festivalsDrafted.contains(festival),
                        Self.activity(item.title, festival: festival, catalog: options.festivals).count < 2
                    {
                        continue
                    }
                    festivalsDrafted.insert(festival)
                    // A festival named again for the same activity is one item.
                    let named = Self.activity(item.title, festival: festival, catalog: options.festivals)
                    // (Per section: what a summary says was done last year, a plan may set again for
                    // this year: 通过春节组织“红红火火过大年”志愿服务 … 春节期间要扎实组织好“红红火火过大年”.)
                    let activity = "\(item.section)|" + festival + "|" + (named.count >= 2 ? named : item.title)
                    if seenKeys.contains(activity) { continue }
                    seenKeys.insert(activity)
                }
                candidates.append(item)
            }
        }
        // A date with a year two or more years before the latest the document writes is history
        // (2006年5月，国务院将其列入……名录 in a 2018 notice).
        // (A year the text writes anywhere counts: 根据……关于2024年国庆节假期安排的通知 … 1949年10月1日.)
        let textYears = doc.keptLines.prefix(400).compactMap { l -> Int? in Self.latestYear(in: l.text) }
        let years = candidates.compactMap { Self.writtenYear($0.spelled) } + (doc.documentYear.map { [$0] } ?? []) + textYears
        if let latest = years.max() {
            candidates.removeAll { item in
                // (A date without its year in a sentence that a dated history opens, 1933年7月11日,……根据……6月30日的
                // 建议,决定8月1日为……, is of that year too.)
                (Self.writtenYear(item.spelled) ?? ItemBuilder.yearBefore(item.spelled, in: item.sentence)).map { $0 <= latest - 2 } ?? false
                    // (A span of years that ended before a year the text writes is over too: 2002——2013年,……活动选在
                    // 6月份的第二个星期日举行 before 自2014年起…….)
                    || (Self.yearSpanEnd(before: item.spelled, in: item.sentence).map { $0 < latest } ?? false)
            }
        }
        // One item per date mention of a line: a festival named in a list that frames the line's activities
        // (紧扣春节、清明、中秋等传统节日,开展……系列活动:春节期间……;清明节开展……) and named again with an activity of
        // its own is that activity; the list's mention, titled by an activity borrowed from another clause
        // (清明：……系列活动), is no item of its own.
        do {
            // (Listed: its name stands next to a 、 of a list of festivals, and its title is another clause's.)
            func listed(_ item: DraftItem) -> Bool {
                guard let colon = item.title.firstIndex(of: "：") else { return false }
                let head = String(item.title[..<colon])
                let name = String(item.spelled.filter { DocumentScanner.isHan($0) }.map(DraftText.simplified))
                guard !head.isEmpty, !name.isEmpty, name.contains(head) || head.contains(name) else { return false }
                let quote = String(item.quote.map(DraftText.simplified))
                if quote.contains(name + "、") || quote.contains("、" + name) { return true }
                guard let r = item.sentence.range(of: item.quote), r.lowerBound > item.sentence.startIndex else { return false }
                return item.sentence[item.sentence.index(before: r.lowerBound)] == "、" && quote.utf8HasPrefix(name)
            }
            let own = Set(candidates.filter { !listed($0) }.map { "\($0.line)|\($0.when)" })
            // (Also when a later line names it again with an activity of its own: 在春节、清明、端午、中秋等节庆期间开展
            // “我们的节日”主题文化活动 … 2、春节期间,举办……春节文艺晚会.)
            var ownLater: [String: Int] = [:]
            for item in candidates where !listed(item) {
                if let f = Self.bareFestival(item.when) { ownLater[f] = max(ownLater[f] ?? 0, item.line) }
            }
            // (Named only in the list: 以春节、清明节……为活动载体,通过春节组织“红红火火过大年”志愿服务 names it again with its
            // activity on the line.)
            func onlyListed(_ item: DraftItem) -> Bool {
                let name = String(item.spelled.filter { DocumentScanner.isHan($0) }.map(DraftText.simplified))
                return String(item.quote.map(DraftText.simplified)).components(separatedBy: name).count == 2
            }
            candidates.removeAll { item in
                listed(item) && (own.contains("\(item.line)|\(item.when)")
                    || Self.bareFestival(item.when).flatMap { ownLater[$0] }.map { $0 > item.line } == true && onlyListed(item))
            }
        }
        var toldDayLines: Set<Int> = []
        // A remark told twice, a line or two apart, with its date (时间:(注:本活动将与十月份的“爱国”主题结合起来一起开展,
        // 因此具体时间另行通知) / 本活动将与十月份的“爱国月”主题结合起来一起开展,因此具体时间另行通知): one item, the first.
        do {
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where !drop.contains(n) {
                let own = DraftText.matchingForm(item.quote).filter { DocumentScanner.isHan($0) }
                guard own.count >= 12 else { continue }
                for m in candidates.indices[(n + 1)...].prefix(4) {
                    let again = candidates[m]
                    guard again.line != item.line, again.line - item.line <= 2, again.when == item.when else { continue }
                    let other = DraftText.matchingForm(again.quote).filter { DocumentScanner.isHan($0) }
                    if Self.sharesRun(own, other, length: max(12, min(own.count, other.count) * 3 / 5)) { drop.insert(m) }
                }
            }
            candidates.removeElements(at: drop)
        }
        // A day told once more (a news lead's scene, 3月6日,商南文化广场花红柳绿,热闹异常; a window's start told
        // again, 5月4日起可通过手机……): the activity a later or earlier sentence dates by the same day.
        do {
            // (Whether a sentence acts is read once per item, and only for days told twice.)
            var acting: [Int: Bool] = [:]
            func acts(_ n: Int) -> Bool {
                if let a = acting[n] { return a }
                let a = (ItemBuilder.actionWords + ["慰问", "走访", "看望"]).contains { candidates[n].sentence.contains($0) }
                acting[n] = a
                return a
            }
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where Self.occasion(of: item) == nil {
                if ItemBuilder.isMonthDay(item.when),
                    let later = candidates.indices[(n + 1)...].prefix(30).first(where: { candidates[$0].when == item.when && candidates[$0].line - item.line <= 5 }),
                    !acts(n), acts(later)
                {
                    drop.insert(n)
                }
                if ItemBuilder.isMonthDay(item.when), item.sentence.contains(item.spelled + "起"),
                    candidates[..<n].suffix(10).contains(where: { $0.when.utf8HasPrefix(item.when + "..") && item.line - $0.line <= 3 })
                {
                    drop.insert(n)
                }
            }
            toldDayLines = Set(drop.map { candidates[$0].line })
            candidates = candidates.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
        // A notice of one festival (its title names the festival) that dates its activities: the
        // festival named with no activity of its own (元宵节期间开展系列文化活动) is the occasion.
        // A festival named for an activity the document also dates (元宵节举办灯谜晚会 … 时间：2月24日
        // 灯谜晚会) is that activity.
        let dated = candidates.filter { Self.occasion(of: $0) == nil }.map { DraftText.matchingForm($0.title) }
        let datedQuotes = candidates.filter { Self.occasion(of: $0) == nil }.map { DraftText.matchingForm($0.quote) }
        if !dated.isEmpty {
            let name = doc.title ?? ""
            let notice = !name.contains("。") && !name.contains("，") && !name.contains(",")
            candidates.removeAll { item in
                guard let festival = Self.occasion(of: item) else { return false }
                let activity = Self.activity(item.title, festival: festival, catalog: options.festivals)
                let oneFestival = notice && Self.names(of: festival, catalog: options.festivals).contains { name.contains($0) }
                // (A title that is only a unit, 春节期间：县文化馆, says nothing either way.)
                if oneFestival, Self.activity(item.title, festival: festival, catalog: options.festivals, keepingUnits: true).count < 2 { return true }
                // The umbrella of a programme or record about its own festival (its headline names the festival), told
                // in words that name no activity (组织开展丰富多彩的2022年庆祝"三八"国际妇女节活动; 各社区……开展了一系列形式
                // 多样的庆祝活动): the occasion of the activities it dates, not one of them.
                if Self.names(of: festival, catalog: options.festivals).contains(where: { name.contains($0) }),
                    Self.isUmbrellaWording(item.title, festival: festival, catalog: options.festivals)
                {
                    return true
                }
                // In any programme that dates two or more activities by day, a period around festivals
                // it names with nothing else (中秋、国庆期间举办系列主题活动; 活动时间：中秋节、国庆节前后)
                // is the programme's window, not an activity (a festival's own day stays: 六一儿童节庆祝活动).
                if dated.count >= 2, ["期间", "前后"].contains(where: { item.spelled.contains($0) || item.quote.contains($0) }) {
                    let own = Self.activity(item.title, festival: festival, catalog: options.festivals, keepingUnits: true)
                    if own.count < 2 || (own.count <= 6 && Self.withoutFestivalNames(own, catalog: options.festivals).count < 2) { return true }
                }
                // The programme the headline names (蒙城 国庆节期间文化惠民活动“好戏连台” … 今年国庆假日期间,
                // 蒙城县文化惠民活动“好戏连台”): its period is the umbrella of the activities dated.
                if dated.count >= 2, Self.quotedNames(item.quote).contains(where: {
                    Self.withoutFestivalNames($0, catalog: options.festivals).count >= 2 && name.contains($0)
                }) {
                    return true
                }
                // A quoted name the document dates elsewhere (龙红格社区则于2月14日-15日开展了“幸福祖孙俩的元宵灯笼秀”
                // DIY活动 … 一起上演了一段“元宵灯笼秀”): that activity again.
                if Self.quotedNames(item.quote).contains(where: { q in
                    guard q.count >= 4 else { return false }
                    let named = DraftText.matchingForm(q)
                    return datedQuotes.contains { $0.contains(named) }
                }) {
                    return true
                }
                let a = DraftText.matchingForm(activity)
                // (Or its whole title, the festival's name in it: 开展迎三八活动 … 时间:3月3日-3月8日, titled 迎三八活动.)
                let whole = DraftText.matchingForm(item.title)
                if whole.count >= 4, dated.contains(where: { $0.contains(whole) }) { return true }
                return a.count >= (oneFestival ? 2 : 4) && dated.contains { $0.contains(a) }
            }
        }
        // The programme's own 活动时间 (a field not under an activity's heading, the line under a heading
        // "三、活动时间", or 活动时间 written before the date inside a flattened line) in a programme that
        // dates two or more activities by day after it (活动时间:10月1日—10月30日 … 1.广场舞比赛 …
        // 活动时间:10月1日上午10:00; 四、活动时间2024年9月1日至9月10日 … 宣传动员会议(9月1日)): the umbrella.
        func groupHeaded(_ idx: Int) -> Bool {
            var j = idx - 1
            while j >= 0, idx - j <= 8, labels[j] != nil { j -= 1 }
            guard j >= 0, idx - j <= 8 else { return false }
            let heading = doc.keptLines[j].text
            // (A numbered point opens an activity's group even with a sentence after its name: 1.广场舞比赛。乡镇……)
            return Layout.isProgrammeHeading(heading) || Layout.enumeratorLength(heading) > 0
        }
        let activityTimeLines = candidates.compactMap { item -> Int? in
            guard let idx = lineIndex[item.line], Layout.isTimeField(doc.keptLines[idx].text), groupHeaded(idx) else { return nil }
            return item.line
        }
        var daysAfter = [Int](repeating: 0, count: candidates.count + 1)
        for n in candidates.indices.reversed() {
            let item = candidates[n]
            let day = Self.occasion(of: item) == nil && item.spelled.contains(where: { $0 == "日" || $0 == "号" })
            daysAfter[n] = daysAfter[n + 1] + (day ? 1 : 0)
        }
        var umbrellaLines: Set<Int> = []
        candidates = candidates.enumerated().filter { n, item in
            guard let idx = lineIndex[item.line] else { return true }
            // (Only the line's first date is the programme's window: 6月1日至30日。其中,6月份第二个星期日
            // (6月13日)为全国安全生产宣传咨询日 names a day of its own.)
            // (A start and an end in one sentence, 本次活动将于3月初启动,一直延续到4月上旬, are one window.)
            let previous = candidates[max(0, n - 1)]
            guard umbrellaLines.insert(item.line).inserted || previous.line != item.line || previous.sentence == item.sentence else { return true }
            let text = doc.keptLines[idx].text
            // (放假时间, 返校时间 over a date are not a programme's window.)
            let programmeLabel = { (t: [Character]) in String(t).filter { $0 != " " }.contains("活动时间") }
            let heading = (Layout.isTimeField(text) && programmeLabel(text) && !groupHeaded(idx))
                || (idx > 0 && Self.isTimeHeading(doc.keptLines[idx - 1].text) && programmeLabel(doc.keptLines[idx - 1].text)
                    && Self.activityOverLabel(doc.keptLines, idx) == nil)
                || (!Layout.isTimeField(text) && ["活动时间", "活动时间:", "活动时间：", "活动时间为"].contains { item.sentence.contains($0 + item.spelled) })
            guard heading else { return true }
            // (A window of months over dated phases, 活动时间 20__年3—4月 … 1、动员阶段:3月1日3月9日, is the
            // campaign itself unless the activities after it have 时间 fields of their own.)
            let days = item.spelled.contains { $0 == "日" || $0 == "号" }
            if activityTimeLines.filter({ $0 > item.line }).count >= 2 || (days && daysAfter[n + 1] >= 2) { return false }
            // (One month over activities dated by day inside it, 活动时间:2016年3月 … 三月一日…… 三月四日……, is the
            // programme's window too; phases, 动员阶段:3月1日3月9日, are the campaign's own parts.)
            if let (month, first) = Self.monthWindowStart(item.when), first == 1 {
                let prefix = MentionScanner.two(month) + "-"
                let inside = candidates[(n + 1)...].filter { later in
                    Self.occasion(of: later) == nil && later.spelled.contains(where: { $0 == "日" || $0 == "号" }) && later.when.hasPrefix(prefix)
                }
                if inside.count >= 2, !inside.contains(where: { $0.sentence.contains("阶段") }) { return false }
            }
            return true
        }.map(\.element)
        // What the programme's own 活动时间 window holds (活动时间2023年3月5日至4月5日; XX年6月15日—6月25日): a campaign
        // month named without a date (学雷锋志愿服务月, chosen as March) and a festival inside a quoted name whose day the
        // window holds (“端午节邻里联谊”活动, “我们的节日·端午节”主题活动) are the window's, not days of their own:
        // the written time wins.
        do {
            let windows = candidates.indices.compactMap { n -> (Int, String, String)? in
                let item = candidates[n]
                guard Self.occasion(of: item) == nil, ["活动时间", "活动时间:", "活动时间：", "活动时间为"].contains(where: { item.sentence.contains($0 + item.spelled) })
                else { return nil }
                guard let (first, last) = Self.dayBounds(item.when), first <= last else { return nil }
                return (n, first, last)
            }
            var drop: Set<Int> = []
            var nameOf: [Int: String] = [:]
            for (n, item) in candidates.enumerated() where !windows.isEmpty {
                guard let name = Self.occasion(of: item) else { continue }
                let holder: Int?
                if Self.bareFestival(item.when) == nil {
                    guard let (month, _) = Self.monthWindowStart(item.when) else { continue }
                    holder = windows.first { $0.1.hasPrefix(MentionScanner.two(month) + "-") }?.0
                } else {
                    guard !item.when.contains(" "), let f = options.festivals.festival(named: name),
                        let d = try? options.festivals.date(of: f, year: options.year)
                    else { continue }
                    let day = "\(MentionScanner.two(d.month))-\(MentionScanner.two(d.day))"
                    let spelled = item.spelled.filter { !"“”「」".contains($0) }
                    guard Self.quotedNames(item.quote).contains(where: { $0.contains(spelled) && $0 != spelled }) else { continue }
                    holder = windows.first { $0.1 <= day && day <= $0.2 }?.0
                }
                guard let w = holder else { continue }
                drop.insert(n)
                if nameOf[w] == nil { nameOf[w] = item.title }
            }
            // (A window titled by its label alone, 活动时间, takes the name of what it holds.)
            for (w, name) in nameOf where candidates[w].title.contains("活动时间") || candidates[w].title.filter({ DocumentScanner.isHan($0) }).count < 4 {
                candidates[w].title = name
            }
            candidates.removeElements(at: drop)
        }
        // A festival named again in a later sentence of a line whose activity is dated by day (10月7日……千叟宴
        // ……举行。主办方邀请……老人欢聚一堂、共进午餐,欢度重阳节), with nothing done in its words: that activity.
        do {
            // (Also a line whose day was told again later: 3月6日,……热闹异常。近千名妇女欢聚在这里,共庆三八妇女节。)
            var dayLines: Set<Int> = toldDayLines
            candidates = candidates.filter { item in
                defer {
                    if Self.occasion(of: item) == nil, item.spelled.contains(where: { $0 == "日" || $0 == "号" }) { dayLines.insert(item.line) }
                }
                guard Self.occasion(of: item) != nil, dayLines.contains(item.line) else { return true }
                return Self.doneWords.contains { item.quote.contains($0) }
            }
        }
        // A notice written one field per line (“致我们最亲爱的园丁”之元庄社区庆祝教师节活动 / 20xx年9月10日(本周三)15:30 /
        // 元庄社区未成年活动中心): the line right above a line that is only a date names the activity that date
        // times. A festival inside that name is no day of its own, and the name titles the date.
        do {
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where Self.occasion(of: item) != nil {
                guard let idx = lineIndex[item.line], idx + 1 < doc.keptLines.count else { continue }
                let name = doc.keptLines[idx].text
                let below = doc.keptLines[idx + 1]
                guard name.count <= 40, !Self.isTimeHeading(name), Layout.fieldLabel(name) == nil,
                    !name.contains(where: { DocumentScanner.digit($0) != nil }),
                    Self.actionHints.contains(where: { String(name).contains($0) }), Self.isDateCell(below.text, item: nil),
                    let d = candidates.firstIndex(where: { $0.line == below.line && Self.occasion(of: $0) == nil })
                else { continue }
                drop.insert(n)
                let t = Layout.headingTitle(name)
                if t.count >= 4 {
                    candidates[d].title = t
                    candidates[d].confidence.title = 0.6
                }
            }
            candidates.removeElements(at: drop)
        }
        // A table flattened to one cell per line whose rows are windows (3.9-3.15 / 植绿护绿,共绘春景 / 召开……主题班会 /
        // 3.12植树节): a cell that is only a day and the name of a named day, inside the window of its row's date
        // cell above it, notes the occasion of the row's activities: no item of its own; nor is a named day a cell of
        // the row names without a date (结合世界水日,开展……主题教育).
        do {
            var row: (idx: Int, first: String, last: String)?
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() {
                guard let idx = lineIndex[item.line] else { continue }
                let text = doc.keptLines[idx].text
                if Self.isDateCell(text, item: nil), let (first, last) = Self.dayBounds(item.when), first < last {
                    row = (idx, first, last)
                    continue
                }
                guard let r = row, idx > r.idx, idx - r.idx <= 20 else { continue }
                // (A named day the row's activity cell names, 结合世界水日,开展……主题教育: the row's theme.)
                if Self.bareFestival(item.when) != nil, !item.when.contains(" "), text.count <= 60, !listedDays.contains(item.line),
                    !text.contains(where: { DocumentScanner.digit($0) != nil })
                {
                    drop.insert(n)
                    continue
                }
                guard text.count <= 16, item.when.count == 5,
                    r.first <= item.when, item.when <= r.last, let at = Self.find(Array(item.spelled), in: text, from: 0)
                else { continue }
                let rest = String(text[(at + item.spelled.count)...]).trimmingSpaces()
                let before = String(text[..<at]).trimmingSpaces()
                if before.isEmpty, (2...8).contains(rest.count), rest.allSatisfy({ DocumentScanner.isHan($0) }),
                    ["节", "日", "周"].contains(where: { rest.hasSuffix($0) })
                {
                    drop.insert(n)
                }
            }
            candidates.removeElements(at: drop)
        }
        // An activity told again: a festival's item whose words around the festival's name (at least six
        // characters, none a stop: 致教师节慰问信, 组织师生共庆教师节文娱活动) an earlier item of the document
        // already wrote (1.教师节慰问信。在……教师节来临之际,……致教师节慰问信; 师生共庆教师节活动时间:9月9日…… /
        // 五、活动要求:……组织师生共庆教师节文娱活动) is that item, not another day.
        do {
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where n > 0 && Self.bareFestival(item.when) != nil {
                let q = DocumentScanner.characters(item.quote)
                let name = Array(item.spelled)
                guard !name.isEmpty, var p = Self.find(name, in: q, from: 0) else { continue }
                // (Items of another sentence: a list of festivals, 在春节、清明、端午、中秋等节庆期间, names each in one.)
                let earlier = candidates[..<n].filter { $0.sentence != item.sentence }.map(\.quote)
                // (Each place the sentence names it: 在教师节来临之际,……致教师节慰问信.)
                var runs: [String] = []
                while true {
                    for a in stride(from: p, through: max(0, p - 6), by: -1) {
                        if a < p, !DocumentScanner.isHan(q[a]) { break }
                        for b in (p + name.count)...min(q.count, p + name.count + 6) {
                            if b > p + name.count, !DocumentScanner.isHan(q[b - 1]) { break }
                            if b - a >= max(6, name.count + 3) { runs.append(String(q[a..<b])) }
                        }
                    }
                    guard let next = Self.find(name, in: q, from: p + name.count) else { break }
                    p = next
                }
                if runs.contains(where: { run in earlier.contains { $0.contains(run) } }) { drop.insert(n) }
            }
            candidates.removeElements(at: drop)
        }
        // A report of what was done on a day (3月6日上午,……金石社区……趣味运动会) names a festival of a fixed day at most a
        // week after it (今年的“三八节”,金石社区组织了……系列活动,既有……趣味运动会,又有……三八妇女节志愿服务活动) as the
        // occasion of that day's activity: the festival told later, in a sentence of what was done (了) with no date of
        // its own, is that activity. (Only a
        // festival on the same day every year, 三八 and 五一, not 元宵: the report's year is not the plan's.)
        // In a news report (a dateline's 日电/日讯/本报讯, a reporter who writes it: (记者, 本报记者, 记者了解; or a 通讯员; or
        // the only day the document writes, its activity 圆满举行 or 拉开帷幕), a festival told after the reported day without
        // a date of its own, not as what will be done (将, 计划, 下一步) and in a sentence that holds no activity of its own
        // (开展, 举办, 组织……) is told about that day's activity: its theme retold (今年中秋邂逅了国庆), a comment (既保留了七夕节日的文化内涵), a part of the programme (在七一
        // 建党节来临之际,社区居民通过歌声……). Within a week of the day for a festival on the same day every year, three
        // weeks for one that moves (a report's year is not the plan's, so its day is near, not on, the plan year's).
        let newsReport: Bool = {
            // (A report's marks are in its first lines; a one-day report is short.)
            let t = DraftText.matchingForm(String(text.prefix(20000)))
            // (A reporter who writes it, not one a plan invites: 各派1—2名记者参加.)
            if ["日讯", "日电", "报讯", "网讯", "(记者", "（记者", "本报记者", "网记者", "记者了解", "记者获悉", "记者从", "通讯员"].contains(where: { t.contains($0) }) {
                return true
            }
            let days = Set(candidates.filter { $0.when.count == 5 && Self.occasion(of: $0) == nil && Int($0.when.prefix(2)) != nil }.map(\.when))
            return days.count == 1 && ["圆满举行", "拉开帷幕", "举行了", "开展了"].contains { t.contains($0) }
        }()
        do {
            var reported: [CivilDate] = []
            candidates = candidates.filter { item in
                let when = item.when
                if when.count == 5, Self.occasion(of: item) == nil, !item.sentence.contains("将"),
                    let m = Int(when.prefix(2)), let d = Int(when.suffix(2)), let day = CivilDate(year: options.year, month: m, day: d)
                {
                    reported.append(day)
                    return true
                }
                guard !reported.isEmpty, let name = Self.bareFestival(when), !when.contains(" "), !when.hasPrefix("holiday"),
                    !item.sentence.contains("将"), let f = options.festivals.festival(named: name),
                    let day = try? options.festivals.date(of: f, year: options.year),
                    let before = try? options.festivals.date(of: f, year: options.year - 1)
                else { return true }
                let fixed = before.month == day.month && before.day == day.day
                if fixed, item.sentence.contains("了"), reported.contains(where: { (0...7).contains(day.dayNumber - $0.dayNumber) }) {
                    return false
                }
                let sentence = DraftText.matchingForm(item.sentence)
                // (Not a sentence that opens an activity of its own, 此外,姚庄社区……开展了……活动; 在吉祥社区,……活动精彩上演, nor one
                // that writes a month.)
                let chars = Array(sentence)
                let writesMonth = chars.indices.contains { i in
                    i > 0 && chars[i] == "月" && (DocumentScanner.digit(chars[i - 1]) != nil || "一二三四五六七八九十".contains(chars[i - 1]))
                }
                guard newsReport, !writesMonth, !["计划", "拟于", "下一步", "今后", "上演"].contains(where: { sentence.contains($0) }),
                    !ItemBuilder.verbs.contains(where: { sentence.contains($0) })
                else { return true }
                let reach = fixed ? 7 : 21
                return !reported.contains { abs(day.dayNumber - $0.dayNumber) <= reach }
            }
        }
        // A step of a numbered point inside the point's own window: the point dates its activity by a window (3、9月2日——9月11日
        // ……黑板报比赛; 一、开展……展示活动 / 活动时间:3月4日-5日), and a day inside that window told later in the point, on a line
        // that opens no point of its own (评比时间为9月11号; 并于3月4日……进行评选。3月5日上午,……进行表彰), is when a part of
        // that activity happens (its judging, its award), not another activity.
        do {
            // (The numbered line each kept line is under, found in one pass.)
            var pointOf: [Int?] = []
            var current: Int?
            for l in doc.keptLines {
                if Layout.enumeratorLength(l.text) > l.text.prefix(while: { $0 == " " || $0 == "\u{3000}" }).count { current = l.line }
                pointOf.append(current)
            }
            func pointLine(_ line: Int) -> Int? { lineIndex[line].flatMap { pointOf[$0] } }
            var windowOf: [Int: (String, String)] = [:]
            var drop: Set<Int> = []
            for (k, item) in candidates.enumerated() {
                guard let point = pointLine(item.line) else { continue }
                if let bounds = Self.dayBounds(item.when), bounds.0 < bounds.1 {
                    if windowOf[point] == nil { windowOf[point] = bounds }
                    continue
                }
                guard item.when.count == 5, Int(item.when.prefix(2)) != nil, item.line != point, let w = windowOf[point],
                    w.0 <= item.when, item.when <= w.1
                else { continue }
                // (Not a clause that holds an activity of its own: 3月6日班会课各班开展……班队会 inside 动员阶段:3月1日—3月9日;
                // 启动仪式6月14 inside the month.)
                let clause = DraftText.matchingForm(Self.clause(of: item.spelled, in: item.sentence))
                if !(ItemBuilder.verbs + ["启动", "仪式", "开幕"]).contains(where: { clause.contains($0) }) { drop.insert(k) }
            }
            candidates.removeElements(at: drop)
        }
        // A list of what is done how often (1. 每周一次的篮球比赛:每周定期组织篮球比赛……) and a list of when (- 每周一次的篮球比赛:
        // 每周周六上午9点至11点): an activity told by its count alone is the one a later sentence gives the day of.
        do {
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where item.quota != nil && item.dateSource == .chosen {
                let name = item.title.filter { DocumentScanner.isHan($0) }
                // (Within the sixty lines after it: the two lists are near each other.)
                if candidates[(n + 1)...].prefix(while: { $0.line - item.line <= 60 }).contains(where: { later in
                    later.dateSource == .sourced && (later.when.hasPrefix("weekly") || later.when.hasPrefix("monthly"))
                        && Self.sharesRun(name, DraftText.matchingForm(later.sentence), length: 3)
                }) {
                    drop.insert(n)
                }
            }
            candidates.removeElements(at: drop)
        }
        // A clause without an act: a festival as the time of a sentence in which nothing is done, held or checked, no
        // activity is named and no one is served (春节期间,xx街道把创文的激情鼓点融入到新春祥和的节奏中,让这个春节年味更浓)
        // frames what follows; it is no item.
        candidates.removeAll { item in
            guard Self.bareFestival(item.when) != nil, item.dateSource != .chosen, !listedDays.contains(item.line) else { return false }
            let words = Self.doneWords + ["活动", "会", "赛", "展", "送", "演", "节目", "休息", "营业", "上班", "放映", "游", "灯", "宴", "包", "猜", "看望", "关爱", "帮扶", "整治", "清理", "安排", "发放", "举", "办", "开", "做", "建", "读", "写", "唱", "舞", "祭", "扫", "植", "捐", "庆", "慶", "迎", "出"]
            return !words.contains { item.sentence.contains($0) }
        }
        // A festival's heading whose numbered points took its festival ((二)端午节活动 / 1、开展爱党爱国教育活动。) names
        // their group, not an activity of its own.
        candidates.removeAll { headingsGiven.contains($0.line) && Self.bareFestival($0.when) != nil }
        // A month and a festival in one clause (二月份全体职工欢度春节, 5月份开展母亲节感恩活动) date one activity: the
        // festival's day, the more exact; the month's item goes.
        // (The festivals' items of each sentence looked up once: linear in the items.)
        do {
            var festivalsOf: [String: [String]] = [:]
            for f in candidates where Self.bareFestival(f.when) != nil { festivalsOf["\(f.line)|\(f.sentence)", default: []].append(f.spelled) }
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where Self.isWholeMonth(item.when) {
                guard let spelled = festivalsOf["\(item.line)|\(item.sentence)"] else { continue }
                let clause = Self.clause(of: item.spelled, in: item.sentence)
                if spelled.contains(where: { clause.contains($0) }) { drop.insert(n) }
            }
            candidates.removeElements(at: drop)
        }
        // A half of the year that names a part of a report or the frame of its work (团县委2023年度上半年工作总结及下半年工作思路,
        // 一、上半年特色亮点工作举措; ……,是我处今年下半年的重点工作): no item.
        candidates.removeAll { item in
            guard ["01-01..06-last", "07-01..12-last"].contains(item.when), item.spelled.contains("半年"),
                let text = lineChars[item.line].map({ String($0) })
            else { return false }
            let clause = Self.clause(of: item.spelled, in: item.sentence)
            if clause.contains("是") && (clause.contains("重点工作") || clause.contains("主要工作") || clause.contains("主要任务")) { return true }
            return text.count <= 40 && !text.contains("。")
                && ["总结", "计划", "思路", "举措", "要点", "打算"].contains(where: { text.contains($0) })
        }
        // A month's theme (三月份 / 安全教育月; 9月份: 行為規範月,尊敬師長月): a name a plan gives the month, ending in 月
        // and naming no activity, under the month's heading or after its label; no item.
        candidates.removeAll { item in
            guard Self.isWholeMonth(item.when) else { return false }
            let theme = item.title.filter { DocumentScanner.isHan($0) || "，,、".contains($0) }
            guard theme.count >= 3, theme.count <= 16, theme.hasSuffix("月"),
                !ItemBuilder.actionWords.contains(where: { theme.contains($0) })
            else { return false }
            let sentence = item.sentence.filter { $0 != " " && $0 != "\u{3000}" && $0 != "|" && $0 != "｜" }
            let labelled = [":", "："].contains { sentence.utf8HasPrefix(item.spelled.filter { $0 != " " } + $0) }
            return labelled || monthOf[item.line] != nil && sentence.filter({ DocumentScanner.isHan($0) || "，,、".contains($0) }) == theme
        }
        // The festival that opens a document as its occasion (春节将至,为营造……; 在中秋佳节之际; 正值元宵节),
        // in a document that dates its activities by day after it: the umbrella, not an item.
        if daysAfter[0] >= 1 {
            let openers = ["将至", "来临之际", "到来之际", "即将来临", "即将到来", "来临", "之际"]
            candidates = candidates.enumerated().filter { n, item in
                guard Self.occasion(of: item) != nil, daysAfter[n + 1] >= 1 else { return true }
                let s = item.sentence
                let opens = openers.contains { s.contains(item.spelled + $0) }
                    || ["正值", "又是一年", "值此"].contains { s.contains($0 + item.spelled) || s.contains($0 + "“" + item.spelled) }
                return !opens
            }.map(\.element)
        }
        // A series over a month (护理部将在温暖的5月举办纪念……系列活动) in a programme whose activities after it
        // have 时间 fields of their own (two or more): the umbrella.
        // The day of an activity's 时间 field told again in a field of the same activity below it, its 内容, 目的 or
        // 流程 (活动时间:3月2日 / 活动内容:……。3月2日元宵节(周五)当天,凭截图……兑奖; 时间:6月15日 / 活动目的:6月15日
        // 正好是……; 活动时间:20--年4月4日 … 扫墓具体流程:①20--年4月4日上午9:00,组织人员……集合): that activity, no
        // item of its own. (The item just before it, at most 20 lines up, with no other time field between.)
        do {
            var drop: Set<Int> = []
            for n in candidates.indices.dropFirst() {
                let item = candidates[n], previous = candidates[n - 1]
                guard item.when == previous.when, previous.line < item.line, item.line - previous.line <= 20,
                    let idx = lineIndex[item.line], let up = lineIndex[previous.line],
                    Layout.isTimeField(doc.keptLines[up].text), !Layout.isTimeField(doc.keptLines[idx].text),
                    Layout.fieldLabel(doc.keptLines[idx].text, words: ["内容", "目的", "流程"]) != nil,
                    !doc.keptLines[(up + 1)..<idx].contains(where: { Layout.isTimeField($0.text) })
                else { continue }
                drop.insert(n)
            }
            candidates = candidates.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
        // (So is a series on a day or a named day told before them: 开展 “世界读书日”系列宣传活动 over 1、征文活动 /
        // 时间:…… ; “4·23世界读书日”系列特色全民阅读推广活动 over (一)…… / 活动时间:…….)
        candidates.removeAll { item in
            guard item.spelled.utf8HasSuffix("月") && item.quote.contains("系列活动") || Self.namesSeries(item.quote) else { return false }
            return activityTimeLines.filter({ $0 > item.line }).count >= 2
        }
        // The programme's theme told again as a quoted name (二、活动主题 / 我们的节日・中秋 … 以“我们的节日・中秋节”为主题
        // 进行演讲; 开展“我们的节日・中秋”中华经典诗文诵读比赛) in a programme that dates its activities by day: the
        // theme, not a day.
        if daysAfter[0] >= 1, !themes.isEmpty {
            candidates.removeAll { item in
                guard Self.bareFestival(item.when) != nil else { return false }
                let name = item.spelled.filter { !"“”「」".contains($0) }
                return Self.quotedNames(item.quote).contains { q in
                    guard q.contains(name) else { return false }
                    let form = DraftText.matchingForm(q)
                    return themes.contains { form.contains($0) || $0.contains(form) && form.count >= 4 }
                }
            }
        }
        // A thing themed on a festival (开展重阳节主题的手工制作, 制作教师节主题宣传视频) in a programme that
        // dates its activities by day: a part of the programme, not a day of its own (主题活动 stays one).
        // (A yearly summary or plan, with sections of its own, is no programme of one occasion:
        // 各学校组织读书日主题班会 is a day of its own there.)
        if daysAfter[0] >= 1, !candidates.contains(where: { $0.section != .preamble }) {
            candidates.removeAll { item in
                // (A festival's dotted day before its name counts: 举办5.12护士节主题拍照打卡.)
                let dotted = !item.spelled.contains("月") && item.spelled.contains { "·.．•・".contains($0) }
                if dotted, let at = item.quote.utf8End(of: item.spelled), let end = item.quote[at...].prefix(10).range(of: "节主题")?.upperBound {
                    let rest = item.quote[end...].drop { $0 == "的" }
                    return !rest.hasPrefix("活动") && !rest.hasPrefix("日") && !rest.hasPrefix("月")
                }
                guard Self.bareFestival(item.when) != nil, !item.when.contains(" ") else { return false }
                // (The name of a booth or a column: “绿色清明”展台, “清明寄语”专栏.)
                let name = item.spelled.filter { !"“”「」".contains($0) }
                if let q = Self.quotedNames(item.quote).first(where: { $0.contains(name) && $0 != name }),
                    let end = item.quote.utf8End(of: q + "”"),
                    ["展台", "展区", "展板", "专栏", "栏目", "板块", "展位"].contains(where: { item.quote[end...].hasPrefix($0) })
                {
                    return true
                }
                guard let end = item.quote.utf8End(of: item.spelled + "主题") else { return false }
                let rest = item.quote[end...].drop { $0 == "的" }
                return !rest.hasPrefix("活动") && !rest.hasPrefix("日") && !rest.hasPrefix("月")
            }
        }
        // A named day told again for the activity the document already dated by the day it falls on
        // (2024年6月26日,……土门社区特组织……主题活动 … 禁毒日当天,土门社区志愿者们……开展禁毒宣传活动; 3月12日是
        // 植树节,当天……积极参与植树活动 … 其中,植树节当天义务植树37万棵), naming no unit of its own beside
        // that activity's: the same activity told on, not another.
        do {
            var nameOf: [String: String] = [:]
            for (name, id) in namedUnits { nameOf[id] = name }
            func names(_ ids: [String]) -> [String] { ids.map { id in nameOf[id] ?? UnitDictionary.all.first { $0.id == id }?.name ?? id } }
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() {
                // (The day of a named day: the festival's in the plan year, or a dotted day written in its name, “3·15”.)
                let dotted = !item.spelled.contains("月") && item.spelled.contains { "·.．•・".contains($0) } && ItemBuilder.isMonthDay(item.when)
                var day = dotted ? item.when : nil
                if day == nil, let name = Self.bareFestival(item.when), !item.when.contains(" "), let f = options.festivals.festival(named: name),
                    let d = try? options.festivals.date(of: f, year: options.year)
                {
                    day = "\(MentionScanner.two(d.month))-\(MentionScanner.two(d.day))"
                }
                guard let day else { continue }
                let own = item.confidence.owners >= 0.5 ? names(item.owners) : []
                func sameActors(_ e: DraftItem) -> Bool {
                    let theirs = names(e.owners)
                    return own.allSatisfy { o in theirs.contains { $0.contains(o) || o.contains($0) } }
                }
                // (A dotted day, also after an item the same dotted day dates: 在“3·15”国际消费者权益日,……开展……系列
                // 宣传 … 通过与多部门联动开展形式多样的“3·15”国际消费者权益日系列活动,切实增强了……. Two activities a
                // summary dates by one festival stay two: 开展了“庆元宵”秧歌展演 … 组织开展了“翰墨迎元宵”书画笔会.)
                if let e = candidates[max(0, n - 30)..<n].last(where: { $0.when == day && (Self.occasion(of: $0) == nil || dotted) }),
                    sameActors(e)
                {
                    drop.insert(n)
                    continue
                }
                // A named day in a lead that does nothing itself (全国各地民众将一起运动起来,喜庆……“全民健身日”), whose
                // day the document then dates activities by (8月8日,……举行……启动仪式): their occasion.
                if !dotted, own.isEmpty, !ItemBuilder.verbs.contains(where: { item.quote.contains($0) }),
                    candidates[(n + 1)...].prefix(30).contains(where: { $0.when == day && Self.occasion(of: $0) == nil && $0.line > item.line })
                {
                    drop.insert(n)
                }
            }
            candidates = candidates.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
        // An item that names no unit but names an activity an earlier item is titled with (……青年志愿服务月
        // 系列活动时间为3月1日至3月31日) has that item's owners.
        // (The 30 items before it at most, each item's names read once: linear in the document.)
        let activityNames = candidates.map { $0.confidence.owners >= 0.5 ? Self.names(in: $0.title).map(DraftText.matchingForm) : [] }
        for n in candidates.indices where candidates[n].confidence.owners < 0.5 {
            let quote = DraftText.matchingForm(candidates[n].quote)
            if let e = candidates.indices[max(0, n - 30)..<n].last(where: { e in activityNames[e].contains { quote.contains($0) } }) {
                let earlier = candidates[e]
                candidates[n].owners = earlier.owners
                candidates[n].confidence.owners = 0.5
                candidates[n].unsure.removeAll { $0 == "原文没有写负责单位" || $0.hasPrefix("负责单位取自") }
                candidates[n].unsure.append("负责单位取自前文同一活动，请核对")
            }
        }
        // The weeks of a campaign month told by number (“安全生产月”期间,……第一周为“安全生产宣传周”,第二周为
        // “安全生产技术周”……): each week is a window of the month the document dates earlier.
        if candidates.count <= 2_000 {
            var added: [(Int, DraftItem)] = []
            // (Or 是: 活动主题:第一周是安全生产事故警示教育周 / 第二周是安全文化普及周, a week a line.)
            for l in doc.keptLines where l.text.count <= 600
                && (Self.find(Array("周为"), in: l.text, from: 0) != nil || Self.find(Array("周是"), in: l.text, from: 0) != nil)
            {
                guard let w = candidates.lastIndex(where: { $0.line < l.line && Self.monthWindowStart($0.when) != nil }),
                    let (month, start) = Self.monthWindowStart(candidates[w].when)
                else { continue }
                for (n, name, range) in Self.numberedWeeks(l.text) {
                    let first = start + 7 * (n - 1)
                    var last = first + 6
                    while last > first, CivilDate(year: 2026, month: month, day: last) == nil { last -= 1 }
                    guard CivilDate(year: 2026, month: month, day: first) != nil else { continue }
                    var item = candidates[w]
                    item.id = "l\(l.line)-campaign"
                    item.kind = .campaign
                    item.when = "\(MentionScanner.two(month))-\(MentionScanner.two(first))..\(MentionScanner.two(month))-\(MentionScanner.two(last))"
                    item.spelled = String(l.text[range].prefix(3))
                    item.title = name
                    item.line = l.line
                    item.quote = String(l.text[range])
                    item.sentence = String(l.text)
                    item.dateSource = .chosen
                    item.time = nil
                    item.tags = []
                    item.figures = []
                    item.notDates = []
                    item.unsure = ["第\(n)周按第\(candidates[w].line)行的活动月份推算（\(candidates[w].when)），请核对"]
                    item.confidence.when = 0.5
                    added.append((w, item))
                }
            }
            for (_, item) in added {
                let at = (candidates.lastIndex { $0.line <= item.line } ?? -1) + 1
                candidates.insert(item, at: at)
            }
        }
        // A point flattened into one line with its field labels run together (1.社区联欢晚会活动时间:除夕之夜
        // 活动内容:举办……): the activity is the name before the time label, back to the point's number.
        // (Its heading a sentence of its own before a sentence that opens with the label, 1、少先队鼓号大检阅。时间:5月30日下午。:
        // read on the whole line.)
        for n in candidates.indices {
            let sentence = Array(candidates[n].sentence)
            let opensWithLabel = ["时间:", "时间：", "活动时间:", "活动时间："].contains { candidates[n].sentence.trimmingSpaces().utf8HasPrefix($0) }
            let text = opensWithLabel ? lineChars[candidates[n].line] ?? sentence : sentence
            if let name = ItemBuilder.nameBeforeInlineTimeLabel(text, spelled: Array(candidates[n].spelled)) {
                candidates[n].title = name
                candidates[n].confidence.title = 0.6
            }
        }
        // The same day told again on its line in a time field after the sentence that names the activity
        // (……在3月11日上午开展亲子植树节活动。一、活动时间 3月11日(星期六)上午9:00-11:00): one item, the
        // activity's.
        do {
            var byLineAndDay: [String: [Int]] = [:]
            for n in candidates.indices { byLineAndDay["\(candidates[n].line) \(candidates[n].when)", default: []].append(n) }
            var drop: Set<Int> = []
            for group in byLineAndDay.values where group.count >= 2 {
                let inField = group.filter { ItemBuilder.afterTimeLabel(Array(candidates[$0].quote), spelled: Array(candidates[$0].spelled)) }
                if inField.count < group.count { drop.formUnion(inField) }
            }
            candidates.removeElements(at: drop)
        }
        // A bracket that narrows the window told before it (2022年3月上旬(主要活动在3月1日至8日期间)): one window, the
        // one told first; the bracket says when most of it happens.
        do {
            var drop: Set<Int> = []
            for n in candidates.indices.dropFirst() {
                let outer = candidates[n - 1], inner = candidates[n]
                guard outer.line == inner.line, outer.quote == inner.quote, let (a0, a1) = Self.dayBounds(outer.when), let (b0, b1) = Self.dayBounds(inner.when),
                    a0 <= b0, b1 <= a1, outer.when != inner.when, let end = outer.quote.utf8End(of: outer.spelled)
                else { continue }
                let after = outer.quote[end...]
                guard let open = after.first, "(（".contains(open), let close = after.firstIndex(where: { ")）".contains($0) }),
                    after[..<close].contains(inner.spelled)
                else { continue }
                drop.insert(n)
            }
            candidates.removeElements(at: drop)
        }
        // A festival a numbered point's heading names, named again in the point's body (2、世界读书日宣传 / 在第二十个
        // “世界读书日”到来之际,通过……; (一)召开……"三八"妇女节座谈会。……举办"三八"妇女节座谈会): the point's one item.
        do {
            let lines = doc.keptLines
            var drop: Set<Int> = []
            for (n, item) in candidates.enumerated() where !drop.contains(n) {
                guard Self.bareFestival(item.when) != nil, let k = lineIndex[item.line], Layout.enumeratorLevel(lines[k].text) != nil,
                    String(lines[k].text).trimmingSpaces().utf8HasPrefix(String(item.quote.prefix(4)))
                else { continue }
                // (The point runs to the next numbered line, at most six lines on.)
                var last = item.line
                var j = k + 1
                while j < lines.count, lines[j].line - item.line <= 6, Layout.enumeratorLevel(lines[j].text) == nil {
                    last = lines[j].line
                    j += 1
                }
                for m in candidates.indices[(n + 1)...] {
                    let again = candidates[m]
                    guard again.line <= last else { break }
                    if again.when == item.when, again.quote != item.quote { drop.insert(m) }
                }
            }
            candidates.removeElements(at: drop)
        }
        // A numbered heading that names a festival's period and groups points with days of their own
        // ((一)春节前夕预热活动 / 1.春联书写与赠送 / 时间:腊月二十三 / 2.…): the group's label, not an activity
        // (a heading whose points write no day gives them its festival, above).
        do {
            let lines = doc.keptLines
            func ownDay(_ when: String) -> Bool { when.first.map { $0.isASCII && $0.isNumber } == true || when.hasPrefix("lunar") }
            func festival(_ when: String) -> Bool {
                !ownDay(when) && !["weekly", "daily", "monthly", "yearly", "once"].contains { when.hasPrefix($0) }
            }
            let dated = Set(candidates.filter { ownDay($0.when) }.map(\.line))
            candidates.removeAll { item in
                guard festival(item.when), let n = lineIndex[item.line], let level = Layout.enumeratorLevel(lines[n].text), lines[n].text.count <= 30,
                    !lines[n].text.contains("。")
                else { return false }
                var k = n + 1
                while k < lines.count, k - n <= 40 {
                    if let l = Layout.enumeratorLevel(lines[k].text), l <= level { break }
                    if dated.contains(lines[k].line) { return true }
                    k += 1
                }
                return false
            }
        }
        // A step timed from the activity (提前一周开始宣传; 活动结束后两三天,对活动做相关总结) in a programme that
        // dates one activity, by one day or one festival: that day with the offset, chosen (待确认). With more
        // than one such day (each school's 寒假开始 … 老师提前2天到校) it is not known which it is timed from.
        let anchors = Set(candidates.filter { $0.dateSource != .chosen && (ItemBuilder.isMonthDay($0.when) || Self.bareFestival($0.when) != nil && !$0.when.contains(" ")) }.map(\.when))
        if anchors.count == 1, let when = anchors.first, let anchor = candidates.first(where: { $0.when == when }) {
            for (sentence, offset, spelled) in relatives {
                let text = String(sentence.chars)
                guard let quote = text.split(whereSeparator: { "。；;".contains($0) }).first(where: { $0.contains(spelled) }).map(String.init),
                    (try? DateRule.parse(when + " " + offset, festivals: options.festivals)) != nil
                else { continue }
                var item = anchor
                item.id = "l\(sentence.line)-task"
                item.kind = .task
                var title = quote.removing(spelled).trimmingSpaces()
                while let f = title.first, "，,、：:".contains(f) { title.removeFirst() }
                item.title = String(title.prefix(48))
                item.when = when + " " + offset
                item.spelled = spelled
                item.time = nil
                item.figures = []
                item.tags = []
                item.quota = nil
                item.dateSource = .chosen
                item.line = sentence.line
                item.sentence = text
                item.quote = quote
                item.unsure = ["日期按活动日（\(anchor.spelled)）推算（“\(spelled)”），请核对"]
                item.notDates = []
                item.confidence.when = 0.5
                let at = candidates.firstIndex { $0.line > sentence.line } ?? candidates.count
                candidates.insert(item, at: at)
            }
        }
        // A window the document titles only by its label (活动时间, 活动时间为) or by a measure after it, when it is the
        // programme's time told right after the text announced the activity (特制定本社区七夕节活动策划方案。……二、活动时间 /
        // 2025年8月28日; 特制定本单位“安全生产月”活动方案如下: / 20××年6月1日至30日。; ……安排部署……“安全生产月”活动。活动时间为
        // 6月1日至6月30日): it is the time of that activity, and takes its name.
        do {
            var announced: [(line: Int, text: String, name: String, lead: Bool)] = []
            for sentence in doc.sentences {
                let t = String(sentence.chars)
                if let name = Self.announcedActivity(t) { announced.append((sentence.line, t, name, t.hasSuffix("如下:") || t.hasSuffix("如下："))) }
            }
            for n in candidates.indices {
                let item = candidates[n]
                guard Self.dayBounds(item.when) != nil || ItemBuilder.isMonthDay(item.when) else { continue }
                let line = String(lineChars[item.line] ?? [])
                let title = item.title.filter { DocumentScanner.isHan($0) }
                let labelled = title.contains("活动时间") || title.count < 4
                let alone = line.removing(item.spelled).allSatisfy { !DocumentScanner.isHan($0) || "年".contains($0) }
                guard labelled || alone else { continue }
                // (Only the announcements of the six lines up to the item's.)
                let near = announced[announced.partitioningIndex(where: { $0.line >= item.line - 6 })...].prefix { $0.line <= item.line }
                guard let a = near.last(where: { a in
                    if a.line == item.line {
                        guard !item.sentence.contains(a.text), let x = line.range(of: a.text), let y = line.range(of: item.sentence) else { return false }
                        return x.lowerBound < y.lowerBound
                    }
                    return a.line < item.line && item.line - a.line <= 6
                }), labelled || a.lead && previousKept(item.line) == a.line
                else { continue }
                candidates[n].title = a.name
                candidates[n].confidence.title = 0.5
            }
        }
        // A point's name told before its date as a label (1.登高:26日下午1:30在伯先公园门口集中……; 表彰:3月5日上午……): the
        // name is the activity; what follows the date is where and how (the place, the route), not its title.
        for n in candidates.indices {
            let item = candidates[n]
            guard let r = item.sentence.range(of: item.spelled) else { continue }
            var before = Array(item.sentence[..<r.lowerBound])
            guard let last = before.last, last == ":" || last == "：" else { continue }
            before.removeLast()
            let start = before.lastIndex { ":：,，;；。、.．".contains($0) }.map { $0 + 1 } ?? 0
            let label = String(before[start...]).trimmingSpaces()
            let han = label.filter { DocumentScanner.isHan($0) }
            guard han.count == label.count, (2...8).contains(han.count),
                // (Not a field's name, nor words that introduce a list: 三项行动包括:, 具体如下:.)
                !["时间", "日期", "地点", "内容", "安排", "截止", "期限", "阶段", "包括", "如下", "分别", "具体", "主要"].contains(where: { label.contains($0) }),
                !DraftText.matchingForm(item.title).contains(DraftText.matchingForm(label))
            else { continue }
            candidates[n].title = label
            candidates[n].confidence.title = 0.6
        }
        let firstChangedLines = doc.traditional ? Array(doc.changedLines.keys.sorted().prefix(40)) : []
        // The dictionary's names are the seed district's (市场监督管理局, 区委宣传部, 区妇联): a document of another place
        // that names such a unit in its own words (市场监管局, 妇联, 交警大队) keeps them.
        // (The read text is joined once, when a unit of the dictionary is first used.)
        var readTextCache: String?
        func readText() -> String {
            if let t = readTextCache { return t }
            let t = doc.sentences.map { String($0.chars) }.joined()
            readTextCache = t
            return t
        }
        func ownSpelling(_ unit: KnownUnit) -> KnownUnit {
            let readText = readText()
            guard !readText.contains("扎赉诺尔"), !readText.contains(unit.name),
                let spelled = unit.spellings.sorted(by: { $0.count > $1.count }).first(where: { readText.contains($0) })
            else { return unit }
            var own = unit
            own.name = spelled
            return own
        }
        for var item in candidates {
            var id = item.id
            var n = 2
            while usedIDs.contains(id) {
                id = "\(item.id)-\(n)"
                n += 1
            }
            usedIDs.insert(id)
            item.id = id
            item.quote = Self.asWritten(item.quote, line: item.line, doc: doc)
            item.sentence = Self.asWritten(item.sentence, line: item.line, doc: doc)
            if doc.traditional { item.title = Self.asWritten(item.title, line: item.line, doc: doc, contiguous: false) }
            for u in item.owners + item.participants where !unitListed.contains(u) {
                if unitsUsed[u] == nil, let known = UnitDictionary.all.first(where: { $0.id == u }) { unitsUsed[u] = ownSpelling(known) }
                // A unit named in a traditional document keeps its characters (各鄉(鎮)文明辦, 市場監管局), as titles do.
                if doc.traditional, let name = unitsUsed[u]?.name,
                    namedUnits.values.contains(u) || UnitDictionary.all.contains(where: { $0.id == u && $0.name != name })
                {
                    let lines = [item.line] + firstChangedLines
                    if let written = lines.lazy.map({ Self.asWritten(name, line: $0, doc: doc, contiguous: false) }).first(where: { $0 != name }) {
                        unitsUsed[u]?.name = written
                    }
                }
                if unitsUsed[u] != nil {
                    unitOrder.append(u)
                    unitListed.insert(u)
                }
            }
            items.append(item)
        }
        return Draft(
            name: doc.title.map { $0.isEmpty ? "工作安排草稿" : $0 } ?? "工作安排草稿", year: options.year,
            documentYear: doc.documentYear, placeholderYears: doc.placeholderYears, source: options.sourceName,
            encoding: encoding, traditional: doc.traditional, lines: doc.lineCount, dropped: doc.dropped,
            units: unitOrder.compactMap { id in unitsUsed[id].map { DraftUnit(id: $0.id, name: $0.name) } }, items: items)
    }
}

extension PlanDrafter {
    /// Where `word` starts in `c` at or after `from`.
    static func find(_ word: [Character], in c: [Character], from: Int) -> Int? {
        var i = from
        while i + word.count <= c.count {
            if DocumentScanner.matches(c, i, word) { return i }
            i += 1
        }
        return nil
    }

    static let actionHints = ["“", "演出", "仪式", "活动", "展", "赛", "会", "开放", "借阅", "放映", "讲座", "培训", "评选", "巡游", "宣传"]

    /// Titles and owners from the layout around an item: the heading above a "时间：" field line and
    /// the 主办/承办 fields near it; the cells after a table's date cell; else units named in the
    /// item's words by their endings (局, 馆, 站, 中心, 社区…).
    static func applyLayout(
        _ item: inout DraftItem, doc: SourceDocument, lineIndex: [Int: Int], unitID: (String) -> String
    ) {
        guard let idx = lineIndex[item.line] else { return }
        let lines = doc.keptLines
        let text = lines[idx].text
        var owners: [String] = []
        if Layout.isTimeField(text) {
            var j = idx - 1
            var named = false
            while j >= 0, idx - j <= 8 {
                let t = lines[j].text
                if let label = Layout.fieldLabel(t) {
                    owners = Layout.ownerFieldUnits(t) + owners
                    if label.contains("说明"), owners.isEmpty { owners = Layout.unitAfterBy(Layout.fieldValue(t)) }
                    if label.contains("时间") { break }
                    // 活动主题：/活动名称： names the activity better than a group's heading.
                    if label.contains("主题") || label.contains("名称") {
                        let value = Layout.headingTitle(Layout.fieldValue(t))
                        if value.count >= 2 {
                            item.title = value
                            item.confidence.title = 0.6
                            named = true
                        }
                    }
                    j -= 1
                    continue
                }
                var heading = Layout.headingTitle(t)
                // (Past a paragraph on the activity or a sub-heading that only groups its fields, to the
                // activity's heading: 1、举办……成立大会 / 为给……拟举办成立大会。 / 时间:5月9日14:00.)
                if Self.betweenHeadingAndFields(t), let h = headingAbove(lines, j) {
                    let above = lines[h].text
                    heading = Layout.enumeratorLength(above) == 0 ? Layout.headingTitle(Layout.fieldValue(above)) : Layout.headingTitle(above)
                }
                // A heading that is itself the programme's time (三、活动的时间 / 时间:2022年3月3日-3月8日): the
                // activity is the document's.
                // (A document whose first line is its purpose sentence, 为迎接……,开展迎三八活动。: its last clause.)
                if isTimeHeading(t), let name = doc.title {
                    var whole = Layout.headingTitle(Array(name))
                    if let comma = name.lastIndex(where: { $0 == "," || $0 == "，" }) {
                        var last = String(name[name.index(after: comma)...]).trimmingCharacters(in: ["。", " "])
                        if let v = ItemBuilder.verbs.first(where: { last.utf8HasPrefix($0) }) { last = String(last.dropFirst(v.count)) }
                        whole = Layout.headingTitle(Array(last))
                    }
                    if whole.count >= 2 { heading = whole }
                }
                // A heading that is a district, county, town or unit (牡丹区, 县文化馆) owns the group.
                if owners.isEmpty, Layout.isPlaceOrUnit(heading) { owners = [heading] }
                if heading.count >= 2, !named {
                    item.title = heading
                    item.confidence.title = 0.6
                }
                break
            }
            var k = idx + 1
            while k < lines.count, k - idx <= 6, let label = Layout.fieldLabel(lines[k].text), !label.contains("时间") {
                owners += Layout.ownerFieldUnits(lines[k].text)
                k += 1
            }
        } else if isDateCell(text, item: item), let h = activityOverLabel(lines, idx) {
            // "(二)……升国旗仪式" / "1.活动时间" / the date: the activity of the heading over the label.
            let t = Layout.headingTitle(lines[h].text)
            if t.count >= 2 {
                item.title = t
                item.confidence.title = 0.6
            }
        } else if isDateCell(text, item: item), idx > 0, isTimeHeading(lines[idx - 1].text) {
            // "二、活动时间" over the date: the activity is the document's.
            if let name = doc.title {
                let t = Layout.headingTitle(Array(name))
                if t.count >= 2 {
                    item.title = t
                    item.confidence.title = 0.4
                }
            }
        } else if idx > 0, Layout.enumeratorLength(text) == 0, item.spelled.contains("月"), String(text).trimmingSpaces().utf8HasPrefix(item.spelled),
            case let above = lines[idx - 1].text, Layout.enumeratorLength(above) > 0, Layout.isProgrammeHeading(above),
            !above[Layout.enumeratorLength(above)...].contains(where: { DocumentScanner.digit($0) != nil || $0 == "月" }),
            actionHints.contains(where: { String(above).contains($0) })
        {
            // A numbered heading over a paragraph that opens with the activity's written date (2、开展“文明劝导”志愿服务
            // 行动 。 / 3月初至4月底,利用……开展……宣传教育): the heading names the activity. (Not a festival's name: 七、七夕节
            // 活动安排 / 七夕节到来之际开展主题派对…… is a section over its point.)
            let t = Layout.headingTitle(above)
            if t.count >= 2 {
                item.title = t
                item.confidence.title = 0.6
            }
        } else if isDateCell(text, item: item) {
            // A table flattened to one cell per line: the activity and its organisers follow the date.
            var k = idx + 1
            var titled = false
            while k < lines.count, k - idx <= 5, !isDateCell(lines[k].text, item: nil) {
                let cell = lines[k].text
                let units = UnitDictionary.listed(in: cell)
                let cellText = String(cell)
                if !units.isEmpty, units.joined().count + units.count >= cell.filter({ $0 != " " }).count - 2 {
                    // (The first cell of units leads; a later one is its partners: 牵头 | 配合.)
                    if owners.isEmpty { owners = units }
                } else if !titled, actionHints.contains(where: { cellText.contains($0) }) {
                    item.title = Layout.headingTitle(cell)
                    item.confidence.title = 0.6
                    titled = true
                }
                k += 1
            }
        }
        // 由县政法委牵头的……活动, 此项工作由市委宣传部新闻处……负责组织协调: the unit after 由 leads, in the
        // item's sentence or, for a numbered point, anywhere in the point (units that only take part do not).
        if owners.isEmpty {
            var point = Layout.enumeratorLength(text) > 0 && text.count <= 400 ? text : []
            // (A numbered point's line with its paragraph under it: 1、9月4日——9月7日……手抄报比赛 / 本活动由团委……)
            if !point.isEmpty, idx + 1 < lines.count, case let next = lines[idx + 1].text, Layout.enumeratorLength(next) == 0,
                next.count <= 400, Layout.fieldLabel(next) == nil
            {
                point += next
            }
            for source in [DocumentScanner.characters(item.sentence), point] where owners.isEmpty {
                owners = Layout.unitLeadingBy(source)
            }
        }
        if !owners.isEmpty {
            item.owners = unitIDs(owners, unitID)
            item.confidence.owners = 0.7
            item.unsure.removeAll { $0 == "原文没有写负责单位" }
        } else if let lead = UnitDictionary.leadBeforePartners(in: DocumentScanner.characters(item.quote)) {
            // X联合Y开展……: X leads, Y are its partners (not owners).
            item.owners = unitIDs([lead], unitID)
            item.confidence.owners = 0.6
            item.unsure.removeAll { $0 == "原文没有写负责单位" }
        } else if !item.owners.isEmpty {
            // The dictionary names the seed district's units (区文联, 区委宣传部); a county's own
            // spelling (县文联, 县委宣传部) is kept as its own unit.
            let quote = DocumentScanner.characters(item.quote)
            let sentence = DocumentScanner.characters(item.sentence)
            // (And an institution's own mass organisation: 学院团委, 学校团委, 医院工会.)
            let county = { (u: (name: String, at: Int)) in
                "县市镇乡州省团".contains(u.name.first ?? " ") || u.name.contains("县")
                    || (u.name.count >= 4 && ["团委", "妇联", "工会", "文联", "科协"].contains { u.name.hasSuffix($0) })
            }
            var named = UnitDictionary.levelled(in: quote) + UnitDictionary.organisers(in: quote).filter(county)
            if named.isEmpty { named = UnitDictionary.levelled(in: sentence) + UnitDictionary.organisers(in: sentence).filter(county) }
            // The dictionary unit was found further in the paragraph: keep the paragraph's level (市委宣传部).
            if named.isEmpty, item.confidence.owners < 0.5, text.count <= 4000 { named = UnitDictionary.levelled(in: text) }
            if !named.isEmpty { item.owners = unitIDs(named.map(\.name), unitID) }
        } else {
            let quote = DocumentScanner.characters(item.quote)
            var found = UnitDictionary.organisers(in: quote).filter { !UnitDictionary.opensOwnActivity(quote, at: $0.at, length: $0.name.count) }
            if found.isEmpty {
                // A unit that is the subject of another clause of the sentence with an activity of its own
                // (……10月开展文艺演出4场,县文化旅游体育局全年开展送戏下乡……) is not this item's.
                let sentence = DocumentScanner.characters(item.sentence)
                found = UnitDictionary.organisers(in: sentence).filter { !UnitDictionary.opensOwnActivity(sentence, at: $0.at, length: $0.name.count) }
            }
            // A district or town as the subject of the sentence (沙湾区召开……调度会); also over units
            // named only as where it happens (张家湾镇……在全镇各村展开).
            let sentence = DocumentScanner.characters(item.sentence)
            if found.isEmpty || found.allSatisfy({ UnitDictionary.isVenue(sentence, $0) }),
                case let places = UnitDictionary.placeSubjects(in: sentence), !places.isEmpty
            {
                found = places
            }
            // Else the unit a paragraph named last before the item's sentence (……服务中心于6月16日—18日
            // 放假3天；6月19日正常对外服务): the subject is named once.
            if found.isEmpty, text.count <= 4000, let at = find(Array(item.sentence.prefix(8)), in: text, from: 0), at > 0 {
                found = UnitDictionary.organisers(in: Array(text[..<at])).suffix(1)
            }
            if !found.isEmpty {
                item.owners = unitIDs(found.map(\.name), unitID)
                item.confidence.owners = 0.5
                item.unsure.removeAll { $0 == "原文没有写负责单位" }
                item.unsure.append("负责单位按单位名称的结尾认出，请核对")
            }
        }
    }

    /// The names of an activity in its title (at least 6 characters): the title, its quoted name,
    /// and the title without the quoted name (“青春建功新时代”青年志愿服务月系列活动).
    static func names(in title: String) -> [String] {
        var out = [title]
        if let open = title.firstIndex(of: "“"), let close = title[open...].firstIndex(of: "”") {
            out.append(String(title[title.index(after: open)..<close]))
            out.append(String(title[..<open]) + String(title[title.index(after: close)...]))
        }
        return out.filter { $0.count >= 6 }
    }

    /// Whether a festival is only the occasion of an activity: a clause that makes it one (以“端午”为
    /// 契机, 以元宵节活动为载体), or a sentence that goes on about an activity told before (此次活动……,
    /// 活动内容丰富多彩……, 此次重阳节活动加强了……, 整个活动……).
    static func isOccasion(_ item: DraftItem, festival: String, catalog: FestivalCatalog) -> Bool {
        let sentence = item.sentence.trimmingSpaces()
        if ["此次", "本次", "这次", "该活动", "整个活动", "活动内容", "活动中", "活动现场"].contains(where: { sentence.utf8HasPrefix($0) }) { return true }
        let names = Self.names(of: festival, catalog: catalog)
        return item.quote.split(whereSeparator: { "，,；;。".contains($0) }).contains { clause in
            names.contains { clause.contains($0) } && ["为契机", "为载体", "为抓手", "为依托"].contains { clause.contains($0) }
        }
    }

    /// Words that say something is done or held (a festival named with one of them is an activity of its own).
    static let doneWords = ItemBuilder.actionWords.filter { $0 != "活动" } + [
        "开放", "慰问", "走访", "展览", "展出", "讲座", "服务", "值班", "闭馆", "放假", "巡查", "晚会", "联欢", "演练", "表彰",
    ]

    /// The names quoted in a text (“好戏连台”, 「…」).
    static func quotedNames(_ text: String) -> [String] {
        var out: [String] = []
        var current: String?
        for ch in text {
            if ch == "“" || ch == "「" {
                current = ""
            } else if ch == "”" || ch == "」" {
                if let n = current, n.count >= 2 { out.append(n) }
                current = nil
            } else if current != nil {
                current?.append(ch)
            }
        }
        return out
    }

    /// The one festival a notice is about: the only festival its title names, else the only one its
    /// first three lines name (现将20xx年国庆节放假的具体安排通知如下).
    static func documentFestival(_ doc: SourceDocument, catalog: FestivalCatalog) -> Festival? {
        let officials = catalog.festivals.filter { $0.officialHoliday != nil }
        func named(_ text: String) -> [Festival] {
            officials.filter { f in ([f.chineseName] + f.aliases).contains { $0.count >= 2 && text.contains($0) } }
        }
        if let title = doc.title {
            let inTitle = named(title)
            if inTitle.count == 1 { return inTitle[0] }
            if inTitle.count > 1 { return nil }
        }
        let opening = named(doc.keptLines.prefix(3).map { String($0.text.prefix(200)) }.joined())
        return opening.count == 1 ? opening[0] : nil
    }

    /// The latest year a line writes (2024年, between 1900 and 2200), if any.
    static func latestYear(in c: [Character]) -> Int? {
        var best: Int?
        var i = 0
        while i + 5 <= c.count, i < 4000 {
            if DocumentScanner.digit(c[i]) != nil, let y = DocumentScanner.asciiNumber(c, i, maxDigits: 4), y.end - i == 4, y.end < c.count, c[y.end] == "年",
                y.value >= 1900, y.value <= 2200, i == 0 || DocumentScanner.digit(c[i - 1]) == nil
            {
                best = max(best ?? 0, y.value)
                i = y.end
                continue
            }
            i += 1
        }
        return best
    }

    /// The year a date is written with (2006年5月 → 2006).
    /// The last year of a span of years written before a date in its sentence (2002——2013年, 2016-2018年), if any.
    static func yearSpanEnd(before spelled: String, in sentence: String) -> Int? {
        let c = DocumentScanner.characters(sentence)
        guard let at = sentence.range(of: spelled).map({ sentence.distance(from: sentence.startIndex, to: $0.lowerBound) }) else { return nil }
        var end: Int?
        var i = 0
        while i + 9 < at {
            if let a = DocumentScanner.asciiNumber(c, i, maxDigits: 4), a.end == i + 4, i == 0 || DocumentScanner.digit(c[i - 1]) == nil {
                var j = a.end
                while j < at, "—–-~～至到".contains(c[j]) { j += 1 }
                if j > a.end, j - a.end <= 3, let b = DocumentScanner.asciiNumber(c, j, maxDigits: 4), b.end == j + 4, b.end < at, c[b.end] == "年",
                    b.value > a.value
                {
                    end = b.value
                    i = b.end
                }
            }
            i += 1
        }
        return end
    }

    /// Whether the cut sentence `c` ends before the activity of the item's date: after the date's last mention, its
    /// clauses (frames opened by 结合, 围绕 or 为 set aside) hold one to three characters.
    static func cutBeforeItsActivity(_ item: DraftItem, in c: [Character]) -> Bool {
        let s = Array(item.spelled)
        guard !s.isEmpty, let at = stride(from: c.count - s.count, through: 0, by: -1).first(where: { DocumentScanner.matches(c, $0, s) })
        else { return false }
        // (A date that ends the text, 时间:2月14-15日, is whole: the cut came after it; so is one told on by its
        // time, 上午9:00—下午4:00, or followed by its activity's name, 开展植树节活动.)
        let rest = c[(at + s.count)...]
        guard rest.contains(where: DocumentScanner.isHan), !rest.contains(where: { DocumentScanner.digit($0) != nil }),
            !ItemBuilder.actionWords.contains(where: { String(rest).hasSuffix($0) })
        else { return false }
        var own = 0
        var clause: [Character] = []
        func close() {
            let body = clause.drop { "“\"「 ".contains($0) }
            if !["结合", "围绕", "为"].contains(where: { String(body).hasPrefix($0) }) { own += clause.filter(DocumentScanner.isHan).count }
            clause = []
        }
        for ch in c[(at + s.count)...] {
            if ",，、;；".contains(ch) { close() } else { clause.append(ch) }
        }
        close()
        return own < 4
    }

    static func writtenYear(_ spelled: String) -> Int? {
        let c = Array(spelled)
        var i = 0
        while i < c.count {
            if let n = DocumentScanner.asciiNumber(c, i, maxDigits: 4), n.end - i == 4, n.end < c.count, c[n.end] == "年" { return n.value }
            i += 1
        }
        return nil
    }

    /// A count of activities rather than one (超过500场, 共计30余项, 累计开展120次).
    static func isTally(_ text: String) -> Bool {
        let c = Array(text)
        for w in ["超过", "共计", "累计", "多达", "逾"] {
            var from = 0
            while let at = find(Array(w), in: c, from: from) {
                var i = at + w.count
                if i < c.count, c[i] == "了" { i += 1 }
                if let n = DocumentScanner.asciiNumber(c, i, maxDigits: 6) {
                    var j = n.end
                    if j < c.count, "余多".contains(c[j]) { j += 1 }
                    if j < c.count, "场项次批期".contains(c[j]) { return true }
                }
                from = at + 1
            }
        }
        return false
    }

    /// What an item is dated by when it is not a date: a festival (元宵节, holiday 春节) or a named
    /// campaign (学雷锋志愿服务月 = March) written without a number.
    static func occasion(of item: DraftItem) -> String? {
        if let f = bareFestival(item.when) { return f }
        let name = item.spelled.filter { DocumentScanner.isHan($0) }
        return name.count >= 3 && !item.spelled.contains(where: { occasionNumerals.contains($0) }) ? name : nil
    }

    /// Characters of a date written in numbers: a mention spelled with one is a date, not an occasion.
    static let occasionNumerals = ScalarSet("0123456789０１２３４５６７８９一二三四五六七八九十元正初廿")

    /// The festival of a rule that is only a festival (元宵节, holiday 春节, 元宵节 -3d..+3d), not a date.
    /// The activity a sentence announces: the plan it says it makes (特制定本社区七夕节活动策划方案 → 七夕节活动; 特制定本单位
    /// 20××年“安全生产月”活动方案如下 → “安全生产月”活动), or the quoted activity it ends on (……安排部署以……为主题的“安全
    /// 生产月”活动。 → “安全生产月”活动).
    static func announcedActivity(_ t: String) -> String? {
        let c = DocumentScanner.characters(t)
        if let made = find(Array("制定"), in: c, from: 0) {
            var k = made + 2
            for word in ["了", "本社区", "本单位", "本校", "本次", "以下", "本"] where DocumentScanner.matches(c, k, word) {
                k += word.count
                break
            }
            // (A year written before the name: 20××年, 2024年.)
            var y = k
            while y < c.count, y - k < 4, "0123456789Xx×_*＊".contains(c[y]) { y += 1 }
            if y > k, y < c.count, c[y] == "年" { k = y + 1 }
            var end: Int?
            for word in ["方案", "计划"] { if let e = find(Array(word), in: c, from: k), e - k <= 24 { end = min(end ?? e, e) } }
            if let end {
                var name = String(c[k..<end])
                for tail in ["策划", "实施", "工作"] where name.hasSuffix(tail) { name = String(name.dropLast(tail.count)) }
                if name.hasSuffix("活动"), name.filter({ DocumentScanner.isHan($0) }).count >= 4 { return name }
            }
        }
        var body = c
        while let last = body.last, "。.！!".contains(last) { body.removeLast() }
        guard body.count > 4, String(body).hasSuffix("活动"), body[body.count - 3] == "”",
            let open = body[..<(body.count - 3)].lastIndex(of: "“"), body.count - 3 - open >= 3
        else { return nil }
        return String(body[open...])
    }

    static let clauseMarks: ScalarSet = [",", "，", ";", "；", "。"]

    /// The clause of `sentence` (between marks , ， ; ； 。) that writes `spelled`; the sentence when it is not found.
    static func clause(of spelled: String, in sentence: String) -> String {
        guard !spelled.isEmpty, let r = sentence.range(of: spelled) else { return sentence }
        let marks = clauseMarks
        let start = sentence[..<r.lowerBound].lastIndex { marks.contains($0) }.map { sentence.index(after: $0) } ?? sentence.startIndex
        let end = sentence[r.upperBound...].firstIndex { marks.contains($0) } ?? sentence.endIndex
        return String(sentence[start..<end])
    }

    /// The `M月D日` (or `D号`) a text writes in Arabic digits, datelines (9月28日电) included, in order.
    static func writtenMonthDays(_ c: [Character]) -> [(month: Int, day: Int)] {
        var found: [(month: Int, day: Int)] = []
        for i in c.indices where DocumentScanner.same(c[i], "月") && i > 0 {
            var j = i
            while j > 0, j > i - 2, c[j - 1].isASCII, c[j - 1].isNumber { j -= 1 }
            guard j < i, j == 0 || !(c[j - 1].isASCII && c[j - 1].isNumber), let m = Int(String(c[j..<i])), (1...12).contains(m),
                let d = DocumentScanner.asciiNumber(c, i + 1, maxDigits: 2), d.end < c.count, c[d.end] == "日" || c[d.end] == "号"
            else { continue }
            found.append((m, d.value))
        }
        return found
    }


    /// Lines that open with a page's date (`10-16`, `2023-10-14 15:07:41`), with that date's month, in line order.
    static func pageDateMonths(_ text: String) -> [(line: Int, month: Int)] {
        var out: [(line: Int, month: Int)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let c = Array(raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }.prefix(11))
            func digits(_ r: Range<Int>) -> Int? { r.upperBound <= c.count && c[r].allSatisfy { $0.isASCII && $0.isNumber } ? Int(String(c[r])) : nil }
            var k = 0
            if digits(0..<4) != nil, c.count > 4, c[4] == "-" { k = 5 }
            guard let m = digits(k..<(k + 2)), c.count > k + 4, c[k + 2] == "-", digits((k + 3)..<(k + 5)) != nil,
                c.count == k + 5 || c[k + 5] == " ", (1...12).contains(m)
            else { continue }
            out.append((n + 1, m))
        }
        return out
    }

    static func bareFestival(_ when: String) -> String? {
        var w = Substring(when)
        if w.hasPrefix("holiday ") { w = w.dropFirst(8) }
        guard let f = w.first, DocumentScanner.isHan(f) else { return nil }
        return String(w.prefix { $0 != " " })
    }

    /// A festival's names in the catalog (its Chinese name and aliases).
    static func names(of festival: String, catalog: FestivalCatalog) -> [String] {
        let f = catalog.festivals.first { $0.chineseName == festival || $0.aliases.contains(festival) }
        return ([festival] + (f.map { [$0.chineseName] + $0.aliases } ?? [])).filter { $0.count >= 2 }
    }

    /// Words of a title that say what happens, beyond the festival and the words every festival
    /// notice uses (系列文化活动, “我们的节日·元宵节”主题活动 → nothing; 元宵节：舞龙舞狮 → 舞龙舞狮).
    static func activity(_ title: String, festival: String, catalog: FestivalCatalog, keepingUnits: Bool = false) -> String {
        var t = title
        for name in names(of: festival, catalog: catalog).sorted(by: { $0.count > $1.count }) { t = t.removing(name) }
        // Units are who, not what (春节期间：县文化馆).
        let chars = Array(t)
        for u in keepingUnits ? [] : UnitDictionary.bySuffix(in: chars, range: 0..<chars.count) { t = t.removing(u.name) }
        for e in UnitDictionary.entries where !keepingUnits { t = t.removing(String(e.chars)) }
        for w in genericActivityWords { t = t.removing(w) }
        return t.filter { DocumentScanner.isHan($0) }
    }

    /// A title that says only "the activities of the festival" (一系列形式多样的庆祝活动, 丰富多彩的2022年庆祝"三八"国际
    /// 妇女节活动): it ends with 活动 and names nothing beyond the festival, a year and words of praise or number.
    static func isUmbrellaWording(_ title: String, festival: String, catalog: FestivalCatalog) -> Bool {
        let t = title.filter { DocumentScanner.isHan($0) }
        guard t.hasSuffix("活动") else { return false }
        var rest = withoutFestivalNames(activity(title, festival: festival, catalog: catalog, keepingUnits: true), catalog: catalog)
        for w in umbrellaWords { rest = rest.removing(w) }
        return rest.isEmpty
    }

    static let umbrellaWords = [
        "一系列", "形式多样", "多种多样", "丰富多彩", "内容丰富", "精彩纷呈", "多姿多彩", "热闹", "喜庆", "隆重", "国际", "一", "庆", "迎", "贺",
    ]

    /// The text without the name of any festival of the catalog (国庆中秋 → "").
    static func withoutFestivalNames(_ text: String, catalog: FestivalCatalog) -> String {
        var t = text
        for f in catalog.festivals {
            for name in ([f.chineseName] + f.aliases).map({ $0.hasSuffix("节") && $0.count > 2 ? String($0.dropLast()) : $0 }) where name.count >= 2 {
                t = t.removing(name)
            }
        }
        return t
    }

    static let genericActivityWords = [
        "我们的节日", "系列", "文化", "文艺", "主题", "活动", "各项", "期间", "节日", "节假日", "假期", "庆祝", "欢度", "喜迎", "迎接",
        "开展", "举办", "举行", "组织", "前后", "当天", "传统", "精彩纷呈", "丰富多彩", "的", "年", "节", "春",
        "各种", "各类", "参加", "参与", "相关", "有关", "他们", "决定", "广泛", "积极",
    ]

    /// The ids of units named `names`, each once, in order.
    static func unitIDs(_ names: [String], _ unitID: (String) -> String) -> [String] {
        var ids: [String] = []
        for name in names {
            let id = unitID(name)
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// A heading that announces the date on the next line: "二、活动时间", "活动时间：".
    /// The heading of an activity over a numbered time label over a date line ((二)……升国旗仪式 /
    /// 1.活动时间 / 2025年5月4日08:30): the label is numbered by a digit, the heading above it by anything.
    static func activityOverLabel(_ lines: [(line: Int, text: [Character])], _ idx: Int) -> Int? {
        guard idx >= 2, lines[idx].text.count <= 40, lines[idx - 1].text.count <= 16, isDateCell(lines[idx].text, item: nil),
            isTimeHeading(lines[idx - 1].text)
        else { return nil }
        let label = lines[idx - 1].text.drop { $0 == " " }
        guard let first = label.first, first.isASCII && DocumentScanner.digit(first) != nil || first == "(" || first == "（" else { return nil }
        let above = lines[idx - 2].text
        guard Layout.enumeratorLength(above) > 0, Layout.isProgrammeHeading(above), !isTimeHeading(above) else { return nil }
        return idx - 2
    }

    /// A line that may stand between an activity's heading and its fields: a paragraph on the activity
    /// (为给护理志愿服务提供……拟举办成立大会。) or a sub-heading that only groups fields ((一)活动时间与地点).
    static func betweenHeadingAndFields(_ t: [Character]) -> Bool {
        let h = Layout.headingTitle(t)
        if h.count <= 8, ["时间", "地点", "安排", "对象", "内容"].contains(where: { h.contains($0) }) { return true }
        // (A numbered point with a sentence after its name, 1.广场舞比赛。乡镇……, is the heading itself.)
        return !Layout.isProgrammeHeading(t) && t.count > 30 && Layout.fieldLabel(t) == nil && Layout.enumeratorLength(t) == 0
    }

    /// The activity's heading above line `j` past at most two such lines: a programme heading, or a
    /// label naming the activity (系列活动一:升国旗、唱团歌主题团日活动。).
    static func headingAbove(_ lines: [(line: Int, text: [Character])], _ j: Int) -> Int? {
        var h = j
        while h >= 0, j - h <= 2 {
            let t = lines[h].text
            if !betweenHeadingAndFields(t) {
                // (活动一:……, 系列活动二:……: a label that numbers the activity.)
                if let colon = t.prefix(8).firstIndex(where: { $0 == ":" || $0 == "：" }),
                    case let label = String(t[..<colon]).filter({ $0 != " " }), label.contains("活动"),
                    case let rest = label.removing("系列").removing("活动"), !rest.isEmpty,
                    rest.allSatisfy({ "一二三四五六七八九十".contains($0) || DocumentScanner.digit($0) != nil })
                {
                    return h
                }
                return Layout.isProgrammeHeading(t) && Layout.enumeratorLength(t) > 0 && h < j ? h : nil
            }
            h -= 1
        }
        return nil
    }

    /// Whether two texts share a run of at least `length` characters.
    static func sharesRun(_ a: String, _ b: String, length: Int) -> Bool {
        let x = Array(a), y = Array(b)
        guard length > 0, x.count >= length, y.count >= length else { return false }
        let runs = Set((0...(x.count - length)).map { String(x[$0..<($0 + length)]) })
        return (0...(y.count - length)).contains { runs.contains(String(y[$0..<($0 + length)])) }
    }

    /// The first and last day of a window of written days (03-05..04-05 → 03-05, 04-05), else nil.
    /// Whether a quote names a series of activities (系列活动, 系列宣传活动, 系列特色全民阅读推广活动): 系列 with
    /// 活动 at most twelve characters after it.
    static func namesSeries(_ quote: String) -> Bool {
        guard let r = quote.range(of: "系列") else { return false }
        return quote[r.upperBound...].prefix(14).contains("活动")
    }

    static func dayBounds(_ when: String) -> (String, String)? {
        let parts = when.components(separatedBy: "..")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 5 && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") } }) else { return nil }
        return (parts[0], parts[1])
    }

    /// The month and first day of a window inside one month that covers its end (06-01..06-30,
    /// 06-01..06-last, 05-04..05-30 is not one).
    /// The festival a section heading is about, when it names one festival and nothing else but words
    /// that announce its activities (三、清明节活动安排, 二、春节活动); nil for any other heading
    /// ((一)元旦春节 names two, 二、节日主题 none).
    static func festivalHeading(_ c: [Character], scanner: MentionScanner) -> Mention? {
        let e = Layout.enumeratorLength(c)
        guard e > 0, c.count <= 20 else { return nil }
        let rest = Array(c[e...])
        let found = scanner.scan(rest)
        guard found.count == 1, let m = found.first, m.form == .festival, m.festival != nil else { return nil }
        let left = String(rest[..<m.range.lowerBound] + rest[m.range.upperBound...]).filter { DocumentScanner.isHan($0) }
        return ["", "活动", "活动安排", "安排", "系列活动", "主题活动", "节活动安排", "节活动"].contains(left) ? m : nil
    }

    /// A rule that is one whole month (03-01..03-last, 06-01..06-30).
    static func isWholeMonth(_ rule: String) -> Bool { monthWindowStart(rule)?.1 == 1 }

    static func monthWindowStart(_ rule: String) -> (Int, Int)? {
        let u = Array(rule.utf8)
        guard u.count >= 12, u[5] == UInt8(ascii: "."), u[6] == UInt8(ascii: "."), u[0...1] == u[7...8] else { return nil }
        guard let m = Int(String(decoding: u[0...1], as: UTF8.self)), let d = Int(String(decoding: u[3...4], as: UTF8.self)), d <= 7 else { return nil }
        let end = String(decoding: u[10...], as: UTF8.self)
        if end == "last" { return (m, d) }
        guard let e = Int(end), e >= 28, CivilDate(year: 2026, month: m, day: e + 1) == nil || e >= 30 else { return nil }
        return (m, d)
    }

    /// "第一周为“安全生产宣传周”" in a line: the week's number, its name and where it is written.
    static func numberedWeeks(_ c: [Character]) -> [(Int, String, Range<Int>)] {
        let numerals: [Character: Int] = ["一": 1, "壹": 1, "1": 1, "二": 2, "贰": 2, "2": 2, "三": 3, "叁": 3, "3": 3, "四": 4, "肆": 4, "4": 4, "五": 5, "伍": 5, "5": 5]
        var out: [(Int, String, Range<Int>)] = []
        var i = 0
        while i + 4 < c.count {
            guard c[i] == "第", let n = numerals[c[i + 1]], c[i + 2] == "周", c[i + 3] == "为" || c[i + 3] == "是" else {
                i += 1
                continue
            }
            var j = i + 4
            var name: [Character] = []
            while j < c.count, !"，,。；;".contains(c[j]), name.count <= 20 {
                if !"“”\"「」".contains(c[j]) { name.append(c[j]) }
                j += 1
            }
            if name.count >= 2 { out.append((n, String(name), i..<j)) }
            i = j
        }
        return out
    }

    static func isTimeHeading(_ text: [Character]) -> Bool {
        var t = text[Layout.enumeratorLength(text)...].filter { !DocumentScanner.same($0, " ") }
        while let l = t.last, ":：".contains(l) { t.removeLast() }
        return t.count <= 6 && String(t).hasSuffix("时间")
    }

    /// The days of a stretch a sentence measures after a day it writes, with no other date between: 为期一周 (7),
    /// 为期两天 (2), 为期一个月 (30), 为期半个月 (15).
    static func stretch(after spelled: String, in sentence: String) -> Int? {
        let c = Array(sentence)
        guard let at = find(Array(spelled), in: c, from: 0), let w = find(Array("为期"), in: c, from: at + spelled.count), w - at <= 40,
            !c[(at + spelled.count)..<w].contains(where: { DocumentScanner.digit($0) != nil })
        else { return nil }
        var k = w + 2
        var n: Int
        if k < c.count, c[k] == "半" {
            n = 0
            k += 1
        } else if k < c.count, c[k] == "两" {
            n = 2
            k += 1
        } else if let v = DocumentScanner.number(c, k, maxDigits: 2) {
            n = v.value
            k = v.end
        } else {
            return nil
        }
        if k < c.count, c[k] == "个" { k += 1 }
        guard k < c.count else { return nil }
        let days: Int
        switch c[k] {
        case "天", "日": days = n
        case "周": days = 7 * n
        case "星" where k + 1 < c.count && c[k + 1] == "期": days = 7 * n
        case "月": days = n == 0 ? 15 : 30 * n
        default: return nil
        }
        return (2...92).contains(days) ? days : nil
    }

    /// The lines of the rows that hold a date cell, in a table flattened one cell per line whose rows are parted by
    /// lines of only `|` (第一周 / | 3月1日—3月7日 / | 开学典礼 / 新学期致词 / | 6年级 / |): each such row is its
    /// date's (the cells after the date title it), so none of its cells is a point of the month heading above the
    /// table. A row is bounded by parting lines on both sides, at most eight lines apart.
    static func datedRowLines(_ doc: SourceDocument) -> Set<Int> {
        func parting(_ t: [Character]) -> Bool {
            let s = t.filter { $0 != " " && $0 != "\u{3000}" }
            return !s.isEmpty && s.allSatisfy { $0 == "|" || $0 == "｜" }
        }
        // (A parting line repeats: all but the first are left out as duplicates of it.)
        let kept = Set(doc.keptLines.filter { parting($0.text) }.map(\.line))
        guard !kept.isEmpty else { return [] }
        let parts = kept.union(doc.dropped.compactMap { d in d.sameAs.flatMap { kept.contains($0) ? d.line : nil } }).sorted()
        guard parts.count >= 3 else { return [] }
        let text = Dictionary(doc.keptLines.map { ($0.line, $0.text) }, uniquingKeysWith: { a, _ in a })
        var rows: Set<Int> = []
        for (a, b) in zip(parts, parts.dropFirst()) where b - a > 2 && b - a <= 17 {
            let lines = ((a + 1)..<b).filter { text[$0] != nil }
            guard let d = lines.firstIndex(where: { isDateCell(text[$0] ?? [], item: nil) }) else { continue }
            // (From the cell before the date, the row's label, 第一周 or | 预备周: cells before it are another column's,
            // the month's, which may share the row: 三月份 / 安全教育月 / 3.8 妇女节 / | 1、行为规范养成教育 / | 预备周 / | 10年2月26日—2月28日.)
            var from = d
            if d > 0, case let label = (text[lines[d - 1]] ?? []).filter({ $0 != " " }),
                label.first == "|" || label.first == "｜" || label.last == "周"
            {
                from = d - 1
            }
            rows.formUnion(lines[from...])
        }
        return rows
    }

    /// The month a document plans when its title says it is one month's plan (市教育局五月份的工作安排, 5月份工作计划,
    /// 街道十月份重点工作): the title, or the head of the first line when the page ran the title into the text.
    static func documentMonth(_ doc: SourceDocument) -> Int? {
        guard let first = doc.title.map(Array.init) ?? doc.keptLines.first?.text else { return nil }
        let head = String(first.prefix(40))
        for word in ["工作安排", "工作计划", "工作要点", "工作重点", "重点工作"] {
            guard let end = head.utf8End(of: word) else { continue }
            var t = String(head[..<end])
            if let at = t.range(of: "的" + word) { t.replaceSubrange(at, with: word) }
            return Layout.monthHeading(t)
        }
        return nil
    }

    /// A line that is only the name of a festival or named day, perhaps after the week that places it in the month
    /// (母亲节, 第二个星期母亲节, 第三个星期日 父亲节, | 国际禁毒日): the festival's mention.
    static func bareNamedDay(_ c: [Character], scanner: MentionScanner) -> Mention? {
        let found = scanner.scan(c).filter { $0.form == .festival || $0.form == .holiday }
        guard found.count == 1, let m = found.first else { return nil }
        // (The week may have lost its 第二 to the point's numbering: 个星期母亲节.)
        let before = c[..<m.range.lowerBound].filter { DocumentScanner.isHan($0) }
        let after = c[m.range.upperBound...].filter { DocumentScanner.isHan($0) }
        return after.isEmpty && before.allSatisfy({ "第一二三四个星期日天周".contains($0) }) ? m : nil
    }

    /// Whether a line is a table's date cell: a date (with a gloss or time) and nothing else.
    static func isDateCell(_ text: [Character], item: DraftItem?) -> Bool {
        guard text.count <= 40 else { return false }
        // (The mark a table flattened one cell per line leaves at a cell's start or end: | 3月1日—3月7日.)
        let t = text.filter { !DocumentScanner.same($0, " ") && !DocumentScanner.same($0, "|") && !DocumentScanner.same($0, "｜") }
        guard t.count <= 30, let first = t.first, DocumentScanner.digit(first) != nil || DocumentScanner.same(first, "元") else { return false }
        return t.allSatisfy { !DocumentScanner.isHan($0) || dateCellWords.contains($0) }
    }

    /// The Han characters a date cell may hold (made once: building the set took a tenth of laying out a dense document).
    static let dateCellWords = ScalarSet("年月日号至到上下中午晚时点分正腊初廿十一二三四五六七八九农历本周星期天旬底末份")

    /// `text` as the document writes it, when it is a part of a line that was read changed
    /// (spaces inside dates dropped, full-width digits, traditional characters); else `text`.
    /// A quote is `contiguous` (an exact substring of the line, glosses and spaces included); a title
    /// or a unit's name takes the document's characters without what was not read (節(jié) → 節).
    static func asWritten(_ text: String, line: Int, doc: SourceDocument, contiguous: Bool = true) -> String {
        guard let l = doc.changedLines[line], l.read.count <= 20_000 else { return text }
        let needle = DocumentScanner.characters(text)
        guard !needle.isEmpty, needle.count <= l.read.count else { return text }
        // (The first character by scalar value where both are plain scalars: the line is read for every item of it.)
        let first = DocumentScanner.plainScalar(needle[0]) ?? 0
        var i = 0
        while i + needle.count <= l.read.count {
            let v = l.readScalars[i]
            let opens = first != 0 && v != 0 ? v == first : DocumentScanner.same(l.read[i], needle[0])
            if opens, DocumentScanner.matches(l.read, i, needle) {
                if !contiguous { return String((i..<(i + needle.count)).map { l.original[l.source[$0]] }) }
                return String(l.original[l.source[i]...l.source[i + needle.count - 1]])
            }
            i += 1
        }
        return text
    }
}

/// Builds the items of one sentence.
struct ItemBuilder {
    var sentence: SourceSentence
    var lineChars: [Character]
    var scanner: MentionScanner

    var c: [Character] { sentence.chars }

    func items() -> [DraftItem] {
        var mentions: [Mention] = []
        for var m in scanner.scan(c) {
            guard let rule = try? DateRule.parse(m.rule, festivals: scanner.catalog) else { continue }
            m.rule = rule.text
            mentions.append(m)
        }
        if mentions.isEmpty { return [] }
        let text = String(c)
        // A day written with a dot inside a name (“4·15”全民国家安全教育日宣传活动, 纪念“5.12”国际护士节), in a
        // sentence that writes a month (4月14日,……组织开展“4·15……”宣传活动; 在5月举办……): the name's day, not
        // the activity's; the written date wins.
        if mentions.contains(where: { $0.spelled.contains("月") }) {
            mentions.removeAll { m in
                !m.spelled.contains("月") && m.spelled.contains { "·.．•・".contains($0) } && m.spelled.contains { DocumentScanner.digit($0) != nil }
            }
        }
        // Days that are not of this year's plan: the day a report learned of it (3月12日,笔者从市市场监管局获悉),
        // a day counted from another year (七年前的8月8日, 七年后的8月8日, 去年8月8日), a span up to now (2022年底至今,
        // 2019年以来). A festival named as the activity told (此次“七一”活动) is that activity, no new day.
        // (Each test is made only when the sentence has its words: the scan of a long document stays linear.)
        let learned = ["笔者", "记者"].contains { text.contains($0) } && ["获悉", "了解到", "获知", "得知"].contains { text.contains($0) }
        let otherYear = text.contains("年前") || text.contains("年后的") || text.contains("去年")
        let upToNow = text.contains("至今") || text.contains("以来")
        let thisOne = text.contains("此次") || text.contains("本次") || text.contains("这次")
        if learned || otherYear || upToNow || thisOne {
            mentions.removeAll { m in
                let before = String(c[max(0, m.range.lowerBound - 4)..<m.range.lowerBound])
                if learned, m.form == .day {
                    let after = String(c[m.range.upperBound..<min(c.count, m.range.upperBound + 40)])
                    let clauseAfter = String(after.prefix { !"。；;".contains($0) })
                    if ["笔者", "记者"].contains(where: { clauseAfter.contains($0) }),
                        ["获悉", "了解到", "获知", "得知"].contains(where: { clauseAfter.contains($0) })
                    {
                        return true
                    }
                }
                if otherYear, ["年前的", "年后的", "年前", "去年", "前年", "去年的"].contains(where: { before.hasSuffix($0) }) { return true }
                if upToNow, DocumentScanner.matches(c, m.range.upperBound, "至今") || DocumentScanner.matches(c, m.range.upperBound, "以来") {
                    return true
                }
                if thisOne, m.form == .festival || m.form == .holiday {
                    let b = before.filter { !"“”\"「」".contains($0) }
                    if ["此次", "本次", "这次"].contains(where: { b.hasSuffix($0) }) { return true }
                }
                return false
            }
        }
        // When the entries were made (作品拍摄时间为**年1月-**年2月, 作品创作于……): a condition on what is sent in, not
        // a day of the plan; every date of that clause is the condition's.
        let conditions = ["拍摄时间", "创作时间", "拍摄于", "创作于", "拍摄日期", "创作日期"]
        if conditions.contains(where: { text.contains($0) }) {
            var spans: [Range<Int>] = []
            for w in conditions {
                var from = 0
                while let at = PlanDrafter.find(Array(w), in: c, from: from) {
                    let end = c[(at + w.count)...].firstIndex { "，,。；;".contains($0) } ?? c.count
                    spans.append((at + w.count)..<end)
                    from = at + w.count
                }
            }
            mentions.removeAll { m in spans.contains { $0.contains(m.range.lowerBound) } }
        }
        if mentions.isEmpty { return [] }
        // "本次活动将于6月1日正式启动,并持续至6月30日结束": a start and an end told as two days are one window.
        joinStartsAndEnds(&mentions, c) { a, b in
            a.rule < b.rule && ["启动", "开始", "开幕"].contains(where: { String(c[a.range.upperBound..<b.range.lowerBound]).contains($0) })
                && b.range.lowerBound >= 1 && (c[b.range.lowerBound - 1] == "至" || c[b.range.lowerBound - 1] == "到")
                && String(c[b.range.upperBound..<min(c.count, b.range.upperBound + 4)]).contains("结束")
        }
        // "1月31日寒假开始,2月27日假期结束": a start and an end written as two days are one window.
        // (The title is read after the start: 寒假开始.)
        joinStartsAndEnds(&mentions, c) { a, b in
            String(c[a.range.upperBound..<b.range.lowerBound]).contains("开始")
                && String(c[b.range.upperBound..<min(c.count, b.range.upperBound + 30)]).contains("结束")
        }
        // "三月一日及三月二日上午8:00": two days in a row joined by 及 (和, 与, 、) and nothing else are one
        // activity's days, one window.
        joinStartsAndEnds(&mentions, c) { a, b in
            guard ["及", "和", "与", "、"].contains(String(c[a.range.upperBound..<b.range.lowerBound])),
                let am = Int(a.rule.prefix(2)), let ad = Int(a.rule.suffix(2)), let bm = Int(b.rule.prefix(2)), let bd = Int(b.rule.suffix(2))
            else { return false }
            return am == bm && bd == ad + 1
        }
        // "现将……安排公告如下": the preface of a list, not an item. (A list flattened into the preface's
        // sentence, 现将有关事项方案如下:一、活动时间2023年3月5日至4月5日, is read from the colon on.)
        if text.contains("如下"), ["公告", "通知", "安排", "方案", "计划", "现将"].contains(where: { text.contains($0) }) {
            guard let colon = c.indices.dropFirst(2).first(where: { i in (c[i] == ":" || c[i] == "：") && c[i - 2] == "如" && c[i - 1] == "下" }),
                c[(colon + 1)...].contains(where: { DocumentScanner.isHan($0) })
            else { return [] }
            // (Only the programme's time, right after its label: 一、活动时间XX年6月15日—6月25日.)
            mentions.removeAll { m in
                m.range.lowerBound <= colon
                    || !["活动时间", "活动时间:", "活动时间：", "活动时间为"].contains { w in
                        m.range.lowerBound >= w.count && String(c[(m.range.lowerBound - w.count)..<m.range.lowerBound]) == w
                    }
            }
            if mentions.isEmpty { return [] }
        }
        // A sentence that sets up a named day (将每年的12月4日定为“国家宪法日”, 确定12月4日这一天为……, 设立国家
        // 宪法日,有助于……) tells the day's history: no item.
        // (Or fixes it from a year on: 自2014年起将全国安全生产咨询日活动固定在每年6月16日.)
        let setsUp = ["定为", "这一天为", "设立为", "改称为", "命名为", "固定在", "固定为"].contains { w in
            guard let end = text.utf8End(of: w) else { return false }
            let next = text[end...].prefix(12)
            return next.contains("日") || next.contains("节")
        }
        if setsUp || (text.contains("设立") && mentions.allSatisfy { $0.form == .festival }) { return [] }
        // A named day's own birthday (“全民健身日”也将迎来七周岁生日): its anniversary, the occasion.
        if text.contains("迎来") { mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday else { return false }
            let after = String(c[m.range.upperBound..<min(c.count, m.range.upperBound + 14)]).filter { !"“”\"".contains($0) }
            return after.utf8HasPrefix("也将迎来") || after.utf8HasPrefix("将迎来") || after.utf8HasPrefix("迎来")
                ? ["周岁", "周年", "生日"].contains(where: { after.contains($0) }) : false
        } }
        if mentions.isEmpty { return [] }
        // A sentence that tells when a named day falls every year (每年的5月12日为全国防灾减灾日, 9月的第三个星期六
        // 为全民国防教育日) defines the day: neither the date nor the day named is an item.
        if text.contains("为") || text.contains("是") || text.contains("设立") || text.contains("固定") || text.contains("每年"),
            let defined = mentions.first(where: { Self.definesNamedDay($0, in: c) })
        {
            let clauses = DocumentScanner.clauses(c)
            let k = clauses.firstIndex { $0.contains(defined.range.lowerBound) }
            // (The day named is the sentence's subject throughout: 9月的第三个星期六为全民国防教育日,今年全民国防
            // 教育日宣传的主题为……)
            let namedDays = Set(mentions.filter { m in k.map { clauses[$0].contains(m.range.lowerBound) } == true }.compactMap { $0.festival?.chineseName })
            // (A sentence that does nothing describes the day throughout: 每年农历的正月十五日,春节刚过,迎来的就是……元宵节.)
            let idle = !Self.actionWords.contains { text.contains($0) }
            mentions.removeAll { m in
                m.range == defined.range || idle && (m.form == .festival || m.form == .holiday)
                    || (m.form == .festival || m.form == .holiday)
                        && (k.map { clauses[$0].contains(m.range.lowerBound) } == true || m.festival.map { namedDays.contains($0.chineseName) } == true)
            }
            if mentions.isEmpty { return [] }
        }
        // "此次“4·15”全民国家安全教育主题宣传周活动,不仅……": a remark on the activity told names it again;
        // a festival or a dotted day in its name is no new item.
        if ["此次", "本次", "这次"].contains(where: { text.trimmingSpaces().utf8HasPrefix($0) }) {
            mentions.removeAll { m in
                m.form == .festival || m.form == .holiday || (!m.spelled.contains("月") && m.spelled.contains { "·.．•・".contains($0) })
            }
            if mentions.isEmpty { return [] }
        }
        // "要求各级妇联组织广泛开展……,庆祝妇女节": what a notice asks of others is a requirement, its festival no day.
        if text.trimmingSpaces().utf8HasPrefix("要求") {
            mentions.removeAll { $0.form == .festival || $0.form == .holiday }
            if mentions.isEmpty { return [] }
        }
        // "为丰富元宵期间……生活": a festival in the purpose of the document is its occasion.
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("为") {
            let firstBreak = c.firstIndex { $0 == "," || $0 == "，" } ?? c.count
            // (The purpose runs over every clause before the one that acts, 决定/特/组织/开展/举办/举行: 为迎接……的召开,
            // 欢庆“五一”国际劳动节,……,经研究,决定在全街道组织开展……大行动; 为了……端午节的文化内涵,……,让小区居民……来
            // 过好端午节,……,我小区特组织如下活动. A festival told as a time there, 元宵节期间, is the acting clause's.)
            let parts = DocumentScanner.clauses(c)
            let purposeEndMarkers = ["决定", "经研究", "特组织", "特举办", "特开展", "特制定", "组织", "开展", "举办", "举行"]
            let actingStart = parts.dropFirst().first { r in
                let clause = String(c[r])
                return purposeEndMarkers.contains { clause.contains($0) } || mentions.contains { m in
                    r.contains(m.range.lowerBound) && m.form != .festival && m.form != .holiday
                }
            }?.lowerBound
            let purposeEnd = actingStart ?? firstBreak
            mentions.removeAll { m in
                guard m.form == .festival || m.form == .holiday, m.range.lowerBound < purposeEnd else { return false }
                if m.range.lowerBound < firstBreak { return true }
                let after = String(c[m.range.upperBound..<min(c.count, m.range.upperBound + 2)])
                return !["期间", "前夕", "当天", "当日", "前后", "之际"].contains(after)
            }
            if mentions.isEmpty { return [] }
        }
        let clauses = DocumentScanner.clauses(c)
        func clauseIndex(_ pos: Int) -> Int { clauses.firstIndex { $0.contains(pos) } ?? max(0, clauses.count - 1) }
        // "此次行动将持续到9月份", "活动时间为6月1日至6月30日,部分内容延续至年底": an end that a continuation gives
        // an activity already told (the clause points back to it, or the sentence dated it before the clause) is
        // that activity's, no item of its own. (A start and an end joined above, 将于6月1日正式启动,并持续至6月30日
        // 结束, are one window already.)
        let told = mentions
        mentions.removeAll { m in
            guard m.form != .festival, m.form != .holiday,
                ["持续到", "持续至", "延续至", "延续到", "延长至", "延长到"].contains(where: { w in
                    m.range.lowerBound >= w.count && String(c[(m.range.lowerBound - w.count)..<m.range.lowerBound]) == w
                })
            else { return false }
            let clause = clauses[clauseIndex(m.range.lowerBound)]
            let before = String(c[clause.lowerBound..<m.range.lowerBound])
            guard !["开始", "启动", "即日起", "自", "从"].contains(where: { before.contains($0) }) else { return false }
            return ["此次", "本次", "这次", "该", "上述", "部分"].contains(where: { before.contains($0) })
                || told.contains { $0.range.upperBound <= clause.lowerBound && $0.form != .festival && $0.form != .holiday }
        }
        if mentions.isEmpty { return [] }
        // "3月5日是学雷锋纪念日": the date names the occasion of the sentence, not an item.
        // (Unless a later clause does something on that day: 10月7日是今年的重阳节,……长者饭堂在这一天正式启用.)
        let onThatDay = ["这一天", "这天", "当天", "当日"].contains { text.contains($0) }
        // (Also with a comma before 是, a named day in quotes, or a month that is a campaign's: 今年的4月15日,
        // 是第十个全民国家安全教育日; 2025年4月15日是第十个“国家安全教育日”; 4月是第35个爱国卫生月.)
        var occasions: Set<Int> = []
        var namingClauses: Set<Int> = []
        var dayAnchor: [Int: Int] = [:]
        for m in mentions where !onThatDay && m.range.upperBound < c.count {
            guard m.form == .day || m.form == .window
                || (m.form != .festival && m.form != .holiday && m.month != nil && m.spelled.utf8HasSuffix("月"))
            else { continue }
            var at = m.range.upperBound
            if c[at] == "," || c[at] == "，" { at += 1 }
            guard at < c.count, c[at] == "是" else { continue }
            let k = clauseIndex(at)
            let clause = String(c[clauses[k]].reversed().drop { "”\"」）)。, ，".contains($0) }.reversed())
            let names = clause.hasSuffix("日") || clause.hasSuffix("节") || clause.contains("纪念日") || clause.contains("节日")
                || (clause.hasSuffix("月") && clause.contains("第"))
            // (A window named as the week of a campaign, 12月1日至7日是第七个“宪法宣传周”; a day of the lunar calendar
            // described, 正月十五日是一年中第一个月圆之夜: no act in the clause.)
            let week = m.form == .window && clause.contains("第") && (clause.hasSuffix("周") || clause.hasSuffix("月"))
            let described = m.rule.hasPrefix("lunar") && !Self.actionWords.contains { clause.contains($0) }
            guard names && (m.form == .day || clause.hasSuffix("月")) || week || described else { continue }
            // (12月4日,是国家第十一个宪法宣传日,司法局积极参与……活动: a later clause of the sentence acts on the
            // day; the day is that clause's, the naming clause is not an item.)
            // (Without the comma too, when the acting clause writes no date of its own: 11月9日是消防集中宣传日,
            // 各级消防等部门……要……有效开展消防安全宣传活动.)
            if m.form == .day,
                let acting = clauses.indices.first(where: { j in
                    j > k && (Self.verbs + ["参与", "参加"]).contains { String(c[clauses[j]]).contains($0) }
                }),
                at > m.range.upperBound
                    || !mentions.contains(where: { $0.range.lowerBound > clauses[k].upperBound && $0.form != .festival && $0.form != .holiday })
            {
                namingClauses.insert(k)
                dayAnchor[m.range.lowerBound] = acting
                continue
            }
            occasions.insert(clauseIndex(m.range.lowerBound))
            occasions.insert(k)
        }
        mentions.removeAll { m in
            let k = clauseIndex(m.range.lowerBound)
            return occasions.contains(k) && (m.form == .day || m.form == .window || m.form == .festival || m.form == .holiday || m.spelled.utf8HasSuffix("月"))
                || namingClauses.contains(k) && (m.form == .festival || m.form == .holiday)
        }
        if mentions.isEmpty { return [] }
        // What a festival is not an activity of: a question in quoted speech (“你们知道端午节是怎么来的吗?”),
        // what an appeal asks of the public (呼吁群众在清明祭祀期间……), the frame of a requirement
        // (结合“清廉小店·清明行”活动要求), the name of a document (2022清明祭扫活动方案(通用13篇)).
        let framed = UnitDictionary.frameBefore.contains { text.contains($0) }
        mentions.removeAll { m in
            let clause = clauses[clauseIndex(m.range.lowerBound)]
            if Self.inFrame(m, in: c, clause: clause) || framed && Self.inFrameSpan(m, in: c, clauses: clauses) { return true }
            guard m.form == .festival || m.form == .holiday || m.festival != nil else { return false }
            return Self.inQuotedSpeech(m, in: c) || Self.inQuestion(m, in: c) || Self.inAppeal(m, in: c, clause: clause) || Self.namesDocument(m, in: c)
                || Self.inGreeting(m, in: c, clause: clause) || Self.regarded(m, in: c, clause: clause)
        }
        // A date inside the name of a document the clause writes (制定社区201x年3月学雷锋活动方案): the plan's
        // name, not a day; a date before the writing (3月制定……方案) is when it is written.
        if Layout.writingVerbs.contains(where: { text.contains($0) }) {
            mentions.removeAll { m in
                let before = String(c[clauses[clauseIndex(m.range.lowerBound)].lowerBound..<m.range.lowerBound])
                return Layout.writingVerbs.contains(where: { before.contains($0) }) && Self.namesDocument(m, in: c)
            }
            if mentions.isEmpty { return [] }
        }
        if mentions.isEmpty { return [] }
        // A festival that is not the time of its clause: what the clause is for, its theme, the subject
        // it describes, or part of the name of an activity dated otherwise (近日举办……重阳敬老周系列活动).
        let toldLately = Self.lateWords.contains { text.contains($0) }
        mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday else { return false }
            return Self.role(of: m, in: c, clause: clauses[clauseIndex(m.range.lowerBound)], toldLately: toldLately) != .time
        }
        if mentions.isEmpty { return [] }
        // One festival named twice in a clause (在元宵节期间开展“我们的节日·元宵节”主题活动): one
        // occasion; the mention outside a quoted name, the holiday or window before the bare day, wins.
        var festivalSeen: [String: Int] = [:]
        var dropped: Set<Int> = []
        for (n, m) in mentions.enumerated() where m.form == .festival || m.form == .holiday {
            guard let f = m.festival else { continue }
            let key = "\(clauseIndex(m.range.lowerBound))|\(f.chineseName)"
            if let k = festivalSeen[key] {
                if Self.rank(mentions[k], in: c) >= Self.rank(m, in: c) {
                    dropped.insert(n)
                } else {
                    dropped.insert(k)
                    festivalSeen[key] = n
                }
            } else {
                festivalSeen[key] = n
            }
        }
        mentions = mentions.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        // Festivals inside one quoted name (“爱在教师节,情暖迎中秋”主题活动) name one activity: the first.
        var quotedSeen: Set<Int> = []
        mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday, let open = Self.quoteOpening(of: m, in: c) else { return false }
            return !quotedSeen.insert(open).inserted
        }
        // One festival named again in a sentence with one activity (中秋节前夕,为……,各社区举行了“中秋”主题
        // 活动): one item, dated by the most specific mention, its activity from the clause that acts.
        var anchorOverride: [Int: Int] = dayAnchor
        var byFestival: [String: [Int]] = [:]
        for (n, m) in mentions.enumerated() where m.form == .festival || m.form == .holiday {
            if let f = m.festival { byFestival[f.chineseName, default: []].append(n) }
        }
        var merged: Set<Int> = []
        for group in byFestival.values where group.count >= 2 {
            let acting = group.filter { n in
                Self.actionWords.contains { String(c[clauses[clauseIndex(mentions[n].range.lowerBound)]]).contains($0) }
            }
            guard acting.count <= 1 else { continue }
            let dated = group.max { a, b in
                let ra = mentions[a].rule.contains(" ") || mentions[a].form == .holiday ? 1 : 0
                let rb = mentions[b].rule.contains(" ") || mentions[b].form == .holiday ? 1 : 0
                return ra < rb || (ra == rb && a > b)
            } ?? group[0]
            if let act = acting.first { anchorOverride[mentions[dated].range.lowerBound] = clauseIndex(mentions[act].range.lowerBound) }
            for n in group where n != dated { merged.insert(n) }
        }
        mentions = mentions.enumerated().filter { !merged.contains($0.offset) }.map(\.element)
        // "……特此通知。2024年1月30日" closing a line of prose: the date it was signed or published.
        if mentions.count == 1, let m = mentions.first, m.form == .day, Self.startsWithYear(m.spelled), lineChars.count > c.count + 4,
            case let bare = c.filter({ DocumentScanner.isHan($0) || DocumentScanner.digit($0) != nil }), bare.count <= m.range.count
        {
            var tail = lineChars[...]
            while let l = tail.last, !DocumentScanner.isHan(l) && DocumentScanner.digit(l) == nil { tail.removeLast() }
            if tail.suffix(bare.count).filter({ DocumentScanner.isHan($0) || DocumentScanner.digit($0) != nil }) == bare { return [] }
        }
        // 其宣传单主题为发扬中国传统习俗——清明节: a festival its clause names as the theme of something (after 主题为 /
        // 主题是) is what it is about, not a date. (Not inside a quoted name, the activity's own: 组织了一场主题为“喜乐闹元宵
        // 趣谜猜不停”……活动.)
        let quoted = DocumentScanner.quoteDepths(c).0
        mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday, !quoted[m.range.lowerBound] else { return false }
            let before = String(c[clauses[clauseIndex(m.range.lowerBound)].lowerBound..<m.range.lowerBound])
            return before.contains("主题为") || before.contains("主题是")
        }
        // 端午节的传统文化内涵, 中秋节的由来, 讲述重阳节来历: the festival as a topic, not a date.
        // (Read past a space a page left, a closing quote and the rest of a quoted list: 加深对清明节 的了解,
        // 关于“春节、元宵节”风俗习惯和意义.)
        mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday, m.range.upperBound < c.count else { return false }
            var end = m.range.upperBound
            if c[end] == "、", let close = c[end..<min(c.count, end + 10)].firstIndex(where: { $0 == "”" || $0 == "」" }),
                !c[end..<close].contains(where: { "，,。；;".contains($0) })
            {
                end = close
            }
            while end < c.count, c[end] == " " || c[end] == "”" || c[end] == "」" { end += 1 }
            guard end < c.count else { return false }
            if c[end] != "的" {
                let next = String(c[end..<min(c.count, end + 2)])
                return ["来历", "由来", "起源", "传说", "习俗", "风俗", "知识"].contains(next)
            }
            let after = String(c[(end + 1)..<min(c.count, end + 9)])
            // (对清明节的了解: what people know of the festival.)
            if (after.utf8HasPrefix("了解") || after.utf8HasPrefix("认识")), m.range.lowerBound > 0, c[max(0, m.range.lowerBound - 2)..<m.range.lowerBound].contains("对") {
                return true
            }
            // (今年宪法宣传日的主题是“……”: the theme of the day, not an activity on it.)
            if after.utf8HasPrefix("主题是") || after.utf8HasPrefix("主题为") { return true }
            return Self.topicNouns.contains { after.contains($0) }
        }
        // 农历九月九日,是我国传统的重阳节: a clause that says what the festival is describes it, and the date
        // before it is the festival's, not an activity's.
        let describes = Set(clauses.indices.filter { k in
            let clause = String(c[clauses[k]].drop { $0 == " " })
            return clause.hasPrefix("是") && clause.contains("节") && ["传统", "我国", "中华", "中国", "民间"].contains { clause.contains($0) }
        })
        if !describes.isEmpty {
            mentions.removeAll { m in
                let k = clauseIndex(m.range.lowerBound)
                return describes.contains(k) || (describes.contains(k + 1) && (m.form == .day || m.rule.hasPrefix("lunar")))
            }
            if mentions.isEmpty { return [] }
        }
        // "县文化馆 2024年1月30日" closing a line: the signature's date, not an item.
        mentions.removeAll { m in
            guard m.form == .day, Self.startsWithYear(m.spelled), c[m.range.upperBound...].allSatisfy({ !DocumentScanner.isHan($0) && DocumentScanner.digit($0) == nil })
            else { return false }
            let before = String(c[clauses[clauseIndex(m.range.lowerBound)].lowerBound..<m.range.lowerBound]).trimmingSpaces()
            let chars = Array(before)
            // (The unit may be written with placeholders and spaces: XX 县 XX 彝族乡人民政府 2018 年 2 月 26 日.)
            return before.count <= 24 && !before.contains("，") && !before.contains(",")
                && UnitDictionary.bySuffix(in: chars, range: 0..<chars.count).contains { $0.at == 0 && $0.name.count == chars.count || ($0.at + $0.name.count == chars.count && $0.name.count >= 4) }
        }
        if mentions.isEmpty { return [] }

        // 每天 next to a dated item describes that item ("9月20日—10月10日……每天……宣传").
        var dailyNote = false
        if mentions.contains(where: { $0.form != .daily }) {
            dailyNote = mentions.contains { $0.form == .daily }
            mentions.removeAll { $0.form == .daily }
        } else {
            mentions = mentions.map {
                var m = $0
                if m.form == .daily { m.form = .recurrence }
                return m
            }
        }
        // "这个元宵节", "这一节日": a festival pointed back to is the one of the activity told, not a new item.
        mentions.removeAll { m in
            guard m.form == .festival || m.form == .holiday, m.range.lowerBound >= 2 else { return false }
            let before = String(c[(m.range.lowerBound - 2)..<m.range.lowerBound])
            return Self.pointingBack.contains(before)
        }
        if mentions.isEmpty { return [] }
        // A lunar date inside a quoted name (“正月十五闹元宵”) names the festival the activity is for:
        // in a sentence that gives a day, the day wins; in one that schedules nothing, it describes.
        let schedules = Self.scheduleWords.contains(where: { text.contains($0) })
        let givesDay = mentions.contains { ($0.form == .day || $0.form == .window) && !$0.rule.hasPrefix("lunar") }
        mentions.removeAll { m in
            m.rule.hasPrefix("lunar") && Self.quoteOpening(of: m, in: c) != nil && (givesDay || !schedules)
        }
        if mentions.isEmpty { return [] }
        // A festival named in a sentence that schedules nothing describes it ("元宵节,也称元夕……是新年第一个
        // 月圆夜", "中秋佳节,是我国传统的团圆节日"): no action word, no item.
        if !Self.scheduleWords.contains(where: { text.contains($0) }) {
            mentions.removeAll { $0.form == .festival }
            if mentions.isEmpty { return [] }
        }
        // A named day in a sentence that gives a date names the occasion (9月10日……教师节慰问): the date wins.
        if mentions.contains(where: { $0.form == .day || $0.form == .window }) {
            mentions.removeAll { $0.form == .festival }
        }
        // A festival period a meeting of a dated sentence plans (1月5日,我县召开……会议,全面安排部署2023年
        // 春节期间系列文化活动): the meeting is the item, the period its subject.
        if mentions.contains(where: { $0.form == .day || $0.form == .window }) {
            mentions.removeAll { m in
                guard m.form == .festival || m.form == .holiday else { return false }
                let before = String(c[clauses[clauseIndex(m.range.lowerBound)].lowerBound..<m.range.lowerBound])
                return Self.planningWords.contains { before.contains($0) }
            }
            if mentions.isEmpty { return [] }
        }
        // A festival inside a quoted name or a bracketed gloss, in a sentence that writes a month or a
        // day (10月开展“庆国庆、迎中秋”文艺演出, 2月份(春节前)组织一次……晚会): the written date wins.
        if mentions.contains(where: { ($0.form == .day || $0.form == .window || $0.form == .vague) && $0.month != nil }) {
            mentions.removeAll { m in
                (m.form == .festival || m.form == .holiday) && (Self.quoteOpening(of: m, in: c) != nil || Self.inBrackets(m, in: c))
            }
            if mentions.isEmpty { return [] }
        }
        // A vague month next to a day of the same month restates it (从6月末拉开帷幕,6月28日……开幕).
        let specificMonths = Set(mentions.filter { $0.form == .day }.compactMap(\.month))
        mentions.removeAll { $0.form == .vague && $0.month.map(specificMonths.contains) == true }
        // One item per rule per sentence: keep the mention whose clause says the most.
        // (A clause that does something says more than a longer one that describes: 开展“我们的节日·中秋”
        // 诗词朗诵会 over 让人沉浸在中秋赏月的浓厚氛围中.)
        func content(_ m: Mention) -> Int {
            let r = clauses[clauseIndex(m.range.lowerBound)]
            let acts = Self.actionWords.contains { String(c[r]).contains($0) }
            return (acts ? 10_000 : 0) + r.count - m.range.count - c[r].filter { DocumentScanner.isHan($0) == false }.count
        }
        var best: [String: Mention] = [:]
        var order: [String] = []
        for m in mentions {
            if let b = best[m.rule] {
                if content(m) > content(b) { best[m.rule] = m }
            } else {
                best[m.rule] = m
                order.append(m.rule)
            }
        }
        let kept = order.compactMap { best[$0] }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        // Each clause belongs to the nearest mention's clause (the earlier one on a tie).
        let anchors = kept.map { anchorOverride[$0.range.lowerBound] ?? clauseIndex($0.range.lowerBound) }
        var segments = anchors.map { ($0, $0) }
        for k in clauses.indices where !anchors.contains(k) {
            var bestIndex = 0
            var bestDistance = Int.max
            for (n, a) in anchors.enumerated() {
                let d = abs(a - k)
                if d < bestDistance || (d == bestDistance && a < k && anchors[bestIndex] > k) {
                    bestDistance = d
                    bestIndex = n
                }
            }
            segments[bestIndex].0 = min(segments[bestIndex].0, k)
            segments[bestIndex].1 = max(segments[bestIndex].1, k)
        }
        // A list of festivals (国庆、元旦、春节等节假日文体活动) shares what follows its last name.
        if kept.count >= 2 {
            for n in stride(from: kept.count - 2, through: 0, by: -1) {
                let end = kept[n].range.upperBound
                if end < c.count, "、和及与".contains(c[end]), kept[n + 1].range.lowerBound == end + 1,
                    kept[n].festival != nil, kept[n + 1].festival != nil
                {
                    segments[n].1 = max(segments[n].1, segments[n + 1].1)
                }
            }
        }
        // A list introduced by 如/例如/包括 after an activity (组织好各个节假日的文体活动,如元旦、春节、
        // “三八”……): each name in the list is that activity's day.
        if kept.count >= 2 {
            var start = 0
            for n in kept.indices {
                if n > 0 {
                    let end = kept[n - 1].range.upperBound, next = kept[n].range.lowerBound
                    let between = end < next && next - end <= 3 ? c[end..<next] : []
                    let joined = between.contains { "、和及与".contains($0) } && between.allSatisfy { "、和及与“”\"".contains($0) }
                        && kept[n - 1].festival != nil && kept[n].festival != nil
                    if !joined { start = n }
                }
                let a = anchors[start]
                guard a > 0, kept[start].festival != nil, clauses[a].lowerBound <= kept[start].range.lowerBound else { continue }
                let lead = String(c[clauses[a].lowerBound..<kept[start].range.lowerBound]).trimmingSpaces()
                guard Self.listOpeners.contains(lead) else { continue }
                if Self.actionWords.contains(where: { String(c[clauses[a - 1]]).contains($0) }) {
                    segments[n].0 = min(segments[n].0, a - 1)
                }
            }
        }
        var out: [DraftItem] = []
        for (n, m) in kept.enumerated() {
            let (first, last) = segments[n]
            let span = clauses[first].lowerBound..<clauses[last].upperBound
            out.append(item(m, anchor: anchors[n], span: span, clauses: clauses, first: first, last: last, dailyNote: dailyNote))
        }
        return out
    }

    /// Words that open a list of examples of what the clause before names.
    static let listOpeners: Set<String> = ["如", "例如", "比如", "诸如", "包括", "如：", "如:"]

    /// Words that point back to something told (这个元宵节, 这一节日, 那个春节).
    static let pointingBack: Set<String> = ["这个", "这一", "那个", "那一", "此个", "今个"]

    /// What is said about a festival as a topic (端午节的内涵, 中秋节的由来).
    static let topicNouns = ["内涵", "由来", "来历", "起源", "意义", "魅力", "历史", "习俗", "风俗", "传说", "故事", "知识", "文化"]

    /// Which of two mentions of one festival in a clause names the occasion: not inside quotes,
    /// then a holiday or window over a bare day.
    static func rank(_ m: Mention, in c: [Character]) -> Int {
        var depth = 0
        for i in 0..<min(m.range.lowerBound, c.count) {
            if "“「《".contains(c[i]) { depth += 1 } else if "”」》".contains(c[i]) { depth = max(0, depth - 1) }
        }
        return (depth == 0 ? 2 : 0) + (m.form == .holiday || m.rule.contains("..") ? 1 : 0)
    }

    /// Where the quoted name a mention stands in opens (“…”, 「…」, 《…》), if it is in one.
    static func quoteOpening(of m: Mention, in c: [Character]) -> Int? {
        var opens: [Int] = []
        for i in 0..<min(m.range.lowerBound, c.count) {
            if "“「《".contains(c[i]) { opens.append(i) } else if "”」》".contains(c[i]), !opens.isEmpty { opens.removeLast() }
        }
        return opens.last
    }

    /// Whether a mention stands in brackets (2月份(春节前), 9月(国庆节前后)): a gloss of what is around it.
    static func inBrackets(_ m: Mention, in c: [Character]) -> Bool {
        var i = m.range.lowerBound - 1
        while i >= 0, m.range.lowerBound - i <= 4, !"()（）".contains(c[i]) { i -= 1 }
        guard i >= 0, c[i] == "(" || c[i] == "（" else { return false }
        var j = m.range.upperBound
        while j < c.count, j - m.range.upperBound <= 4, !"()（）".contains(c[j]) { j += 1 }
        return j < c.count && (c[j] == ")" || c[j] == "）")
    }

    /// Whether a mention is inside quoted speech: a quotation that asks or exclaims (“……端午节是怎么来的吗?”).
    /// Whether a festival is in a question the text asks its reader, quoted or not (今年元宵节,临沂有哪些文化活动?):
    /// a question word after it and the question mark that closes the sentence, no activity.
    static func inQuestion(_ m: Mention, in c: [Character]) -> Bool {
        // (At most 40 characters after it: a question is short, and a long sentence is read once.)
        guard let close = c[m.range.upperBound..<min(c.count, m.range.upperBound + 40)].firstIndex(where: { "？?。!！".contains($0) }),
            c[close] == "？" || c[close] == "?"
        else { return false }
        let asked = String(c[m.range.upperBound..<close])
        return ["哪些", "什么", "怎么", "如何", "吗", "呢", "几个", "多少"].contains { asked.contains($0) }
    }

    static func inQuotedSpeech(_ m: Mention, in c: [Character]) -> Bool {
        guard let open = quoteOpening(of: m, in: c), c[open] == "“" else { return false }
        var j = m.range.upperBound
        while j < c.count, c[j] != "”" {
            if "?？!！吗呢".contains(c[j]) { return true }
            j += 1
        }
        if j < c.count, j > open + 1, "?？!！".contains(c[j - 1]) { return true }
        // Words someone said (“本来还想着元宵节买灯笼给孙子……”参与活动的一位老人表示): a speech verb
        // right after the quotation, or 说：/表示： before it.
        if j < c.count {
            let after = String(c[(j + 1)..<min(c.count, j + 16)])
            if ["表示", "说", "告诉", "感慨", "笑道", "介绍道", "称赞"].contains(where: { after.contains($0) }), !after.contains("“") { return true }
        }
        let before = String(c[max(0, open - 4)..<open])
        return before.hasSuffix("说:") || before.hasSuffix("说：") || before.hasSuffix("表示:") || before.hasSuffix("表示：")
    }

    static let planningWords = ["部署", "谋划", "动员"]

    /// Whether a festival's work is what a clause regards as something (我局将开展好中秋节主题文化活动作为……
    /// 重要形式, 把春节慰问作为一项重要任务): a statement of approach, not an activity.
    static func regarded(_ m: Mention, in c: [Character], clause: Range<Int>) -> Bool {
        let before = String(c[clause.lowerBound..<max(clause.lowerBound, m.range.lowerBound)])
        let after = String(c[min(m.range.upperBound, clause.upperBound)..<clause.upperBound])
        return (before.contains("将") || before.contains("把")) && after.contains("作为")
    }

    /// Words that open a sentence told on the day of the sentence before (上午, 当天, 随即).
    static let relativeOpenings = ["上午", "下午", "中午", "晚上", "当晚", "当天", "当日", "同日", "同一天", "随即", "随后"]

    /// The word a sentence opens with that puts it on the day told before, if any.
    static func relativeOpening(_ chars: [Character]) -> String? {
        let head = String(chars.drop { $0 == " " || $0 == "\u{3000}" }.prefix(4))
        return relativeOpenings.first { head.utf8HasPrefix($0) }
    }

    /// Joins each two month days in order (a start and an end) into one window where `startsAndEnds`
    /// reads the words around them as a start and an end, and the window is a valid rule.
    func joinStartsAndEnds(_ mentions: inout [Mention], _ c: [Character], _ startsAndEnds: (Mention, Mention) -> Bool) {
        guard mentions.count >= 2 else { return }
        var n = 0
        while n + 1 < mentions.count {
            let a = mentions[n], b = mentions[n + 1]
            if a.form == .day, b.form == .day, Self.isMonthDay(a.rule), Self.isMonthDay(b.rule), a.range.upperBound <= b.range.lowerBound,
                startsAndEnds(a, b)
            {
                var w = a
                w.form = .window
                w.rule = a.rule + ".." + b.rule
                w.spelled = String(c[a.range.lowerBound..<b.range.upperBound])
                if (try? DateRule.parse(w.rule, festivals: scanner.catalog)) != nil {
                    mentions[n] = w
                    mentions.remove(at: n + 1)
                }
            }
            n += 1
        }
    }

    /// Whether a rule is a bare day of the year (01-31).
    /// The name a flattened point gives before a time label run into the same line
    /// (三、活动方案1.社区联欢晚会活动时间:除夕之夜活动内容:…, for 除夕之夜 → 社区联欢晚会): from the point's
    /// number (or a stop) to the label; nil when the label starts its line or no short name is there.
    static func nameBeforeInlineTimeLabel(_ c: [Character], spelled: [Character]) -> String? {
        guard !spelled.isEmpty, let at = PlanDrafter.find(spelled, in: c, from: 0) else { return nil }
        var p = at
        while p > 0, c[p - 1] == " " { p -= 1 }
        guard p >= 3, c[p - 1] == ":" || c[p - 1] == "：", c[p - 3] == "时", c[p - 2] == "间" else { return nil }
        var label = p - 3
        let activityLabel = label >= 2 && c[label - 2] == "活" && c[label - 1] == "动"
        if activityLabel { label -= 2 }
        // (Or the point's heading, a sentence of its own right before the label: 1、少先队鼓号大检阅。时间:5月30日下午。)
        let heading = label > 1 && "。；;".contains(c[label - 1])
        if heading { label -= 1 }
        guard label > 0, DocumentScanner.isHan(c[label - 1]) || c[label - 1] == "”" else { return nil }
        var b = label
        var numbered = false
        while b > 0, label - b < 24 {
            let ch = c[b - 1]
            if "。；;:：,，!！?？".contains(ch) { break }
            if ".．、".contains(ch), b >= 2, DocumentScanner.digit(c[b - 2]) != nil || DocumentScanner.chineseDigits[c[b - 2]] != nil {
                numbered = true
                break
            }
            b -= 1
        }
        // (A field line's own label, 演出时间：2月24日, is the words before 时间 at the start: no name is run into it.)
        guard label - b < 24, activityLabel || b > 0 || heading else { return nil }
        if heading, !numbered, b > 0 { return nil }
        let name = String(c[b..<label]).trimmingSpaces()
        guard name.count >= 2, name.allSatisfy({ DocumentScanner.isHan($0) || "“”《》·".contains($0) }) else { return nil }
        return name
    }

    /// Whether a date stands right after a time label (活动时间 3月11日, 时间:4月18日).
    static func afterTimeLabel(_ c: [Character], spelled: [Character]) -> Bool {
        guard !spelled.isEmpty, let at = PlanDrafter.find(spelled, in: c, from: 0) else { return false }
        var p = at
        while p > 0, c[p - 1] == " " || c[p - 1] == ":" || c[p - 1] == "：" || c[p - 1] == "\u{3000}" { p -= 1 }
        return p >= 2 && c[p - 2] == "时" && c[p - 1] == "间"
    }

    static func isMonthDay(_ rule: String) -> Bool {
        let u = Array(rule.utf8)
        return u.count == 5 && u[2] == UInt8(ascii: "-") && u.enumerated().allSatisfy { $0.offset == 2 || (48...57).contains($0.element) }
    }

    /// What a festival mention is to its clause (see `role(of:in:clause:toldLately:)`).
    enum FestivalRole: Equatable {
        /// The time of what the clause does (春节期间开展……, 重阳节当天……).
        case time
        /// What the clause is for, or why (为确保春节、元宵节期间消防安全, 为了迎接国庆).
        case purpose
        /// The theme or occasion the clause frames (以庆祝中秋节为主题, 围绕端午, 以“清明”为契机).
        case theme
        /// The subject of a description (重阳节是我国的传统节日).
        case subject
        /// Part of the name of an activity the text dates otherwise (近日举办……重阳敬老周系列活动).
        case name
    }

    /// Words that date a told activity without a day (近日, 日前): a festival in its name is not its day.
    static let lateWords = ["近日", "日前", "近期", "前不久", "前些天", "近段时间"]

    /// Characters before 为 that make it "as" or an adverb, not "for" (作为, 成为, 称为, 广为, 最为, 主题为).
    static let notPurposeBefore: Set<Character> = ["以", "作", "成", "称", "认", "改", "行", "广", "最", "较", "更", "尤", "极", "甚", "颇", "视", "定", "分", "列", "评", "选", "名", "转", "化", "即", "则", "乃", "题"]

    /// What a festival mention is to its clause, read from the words that govern it: a purpose (为 +
    /// a verb, with no action between it and the festival), a theme (以 … 为主题/契机, 围绕), a
    /// subject (the festival followed by 是), or the
    /// name of an activity (after an action word) in a text that dates it otherwise (近日). Only a
    /// festival that is the time of its clause can date an item.
    static func role(of m: Mention, in c: [Character], clause: Range<Int>, toldLately: Bool) -> FestivalRole {
        let lo = clause.lowerBound, hi = clause.upperBound
        let at = min(max(lo, m.range.lowerBound), hi), end = min(max(at, m.range.upperBound), hi)
        let before = Array(c[lo..<at])
        let after = Array(c[end..<hi])
        func has(_ chars: [Character], _ word: String) -> Bool { String(chars).contains(word) }
        // Subject: what follows the festival says what it is or that it comes.
        let lead = Array(after.drop { $0 == " " || $0 == "佳" || $0 == "节" || $0 == "日" }.prefix(6))
        // (Not its coming, 中秋节来临之际: in a one-activity news item that is the activity's day, and
        // a day written in the sentence wins over it anyway.)
        if lead.first == "是" { return .subject }
        // (Or what it bears or means, with no agent doing anything: 春节凝聚了中华民族丰富的传统与文化, 中秋承载着……,
        // 端午节起源于……: the festival is described, not kept.)
        if before.allSatisfy({ $0 == " " || $0 == "\u{3000}" || $0 == "“" || $0 == "”" }),
            ["承载", "凝聚", "蕴含", "蕴涵", "寄托", "寓意", "象征", "起源", "源于", "源自", "历史悠久"].contains(where: { lead.starts(with: Array($0)) })
        {
            return .subject
        }
        // Theme: 以 … 为 around it, or 围绕 before it; the topic of a talk (就如何开展三八妇女节活动进行……讨论);
        // the activities a plan prepares (将根据会议要求做好三八节各项活动安排).
        if has(before, "围绕") || has(before, "紧扣") { return .theme }
        if has(before, "就如何") || (has(before, "就") && ["讨论", "发言", "交流", "研讨"].contains { has(after, $0) }) { return .theme }
        if has(before, "做好"), after.starts(with: Array("各项")) || after.starts(with: Array("的各项")), has(after, "安排") || has(after, "准备") { return .theme }
        // (A quoted name is the activity's own: 以“迎中秋庆团圆”为主题,召开主题座谈会.)
        if quoteOpening(of: m, in: c) == nil, let yi = before.lastIndex(of: "以"), yi == 0 || !"可所予得加难用借足".contains(before[yi - 1]),
            let wei = after.firstIndex(of: "为"), wei <= 12, wei + 1 < after.count
        {
            return .theme
        }
        // Purpose: a clause that opens with 为 (为丰富群众春节期间文化生活, not 为期), or 为 (为了) before it,
        // not "as", with no action word between.
        let opening = before.drop { $0 == " " || $0 == "\u{3000}" }
        if opening.first == "为", opening.dropFirst().first != "期", hi - lo > 4 { return .purpose }
        var k = before.count - 1
        while k >= 0 {
            if before[k] == "为", k + 1 < before.count, before[k + 1] != "期", k == 0 || !notPurposeBefore.contains(before[k - 1]) {
                // (An action done for someone is not a purpose: 为老人们准备了一场“九九重阳”欢庆活动; its verb
                // is an action word, or it is marked done (了) or counted (一场).)
                var between = String(before[(k + 1)...])
                if between.utf8HasPrefix("了") { between.removeFirst() }
                let acts = actionWords.contains { between.contains($0) } || verbs.contains { between.contains($0) }
                if !acts && !between.contains("了") && !between.contains("一场") && !between.contains("一次") { return .purpose }
                break
            }
            k -= 1
        }
        // Name: the object of an action word, in a text that dates the activity by 近日.
        if toldLately, actionWords.contains(where: { has(before, $0) }) { return .name }
        return .time
    }

    /// Whether a festival is what a greeting is for (向全体退休教师致以国庆和重阳双节的问候与祝福, 祝大家中秋快乐).
    static func inGreeting(_ m: Mention, in c: [Character], clause: Range<Int>) -> Bool {
        let after = String(c[min(m.range.upperBound, clause.upperBound)..<clause.upperBound])
        let whole = String(c[clause])
        return ["问候", "祝福", "祝愿", "快乐"].contains { after.contains($0) } && !actionWords.contains { whole.contains($0) }
    }

    static let appealWords = ["呼吁", "倡导", "倡议", "号召", "提醒", "引导", "劝导"]

    /// The year of the last date written with its year (1933年7月11日) before `spelled` in its sentence,
    /// when no 今年/明年/本年 stands between.
    static func yearBefore(_ spelled: String, in sentence: String) -> Int? {
        let c = DocumentScanner.characters(sentence)
        let s = DocumentScanner.characters(spelled)
        guard !s.isEmpty, let at = (0..<c.count).first(where: { DocumentScanner.matches(c, $0, s) }) else { return nil }
        var year: Int?
        var i = 0
        while i + 5 < at {
            if let y = DocumentScanner.asciiNumber(c, i, maxDigits: 4), y.end == i + 4, c[y.end] == "年", DocumentScanner.digit(c[y.end + 1]) != nil,
                i == 0 || DocumentScanner.digit(c[i - 1]) == nil
            {
                // (Not a day named as this year's occasion: 2019年3月5日是第56个学雷锋日,……决定在3月份开展.)
                var j = y.end + 1
                while j < c.count, j - y.end <= 6, c[j] != "日" && c[j] != "号" { j += 1 }
                let occasion = j + 1 < c.count && (c[j + 1] == "是" || c[j + 1] == "为")
                if !occasion { year = y.value }
                i = y.end
            }
            i += 1
        }
        guard let y = year else { return nil }
        let rest = String(c[0..<at])
        return ["今年", "明年", "本年", "当年"].contains { rest.contains($0) } ? nil : y
    }

    /// Whether a date is the subject of a sentence that says which day a named day is every year:
    /// 每年的5月12日为全国防灾减灾日, 每年3月12日是植树节, 9月的第三个星期六为全民国防教育日 (a day of
    /// the week counted in the month is a yearly rule too), 每年3月份的第一周定为「……推动周」, 在每年12月4日
    /// 设立的节日, 每年农历的正月十五日……, ……活动固定在每年6月16日.
    static func definesNamedDay(_ m: Mention, in c: [Character]) -> Bool {
        guard m.form != .holiday, m.range.upperBound < c.count else { return false }
        var before = String(c[max(0, m.range.lowerBound - 8)..<m.range.lowerBound])
        // (The calendar's word may stand between: 每年农历的正月十五日.)
        for word in ["的", "农历", "的"] where before.utf8HasSuffix(word) { before.removeLast(word.count) }
        var recurring = before.hasSuffix("每年")
        // (A named day's week: 每年全民健身日所在周为体育宣传周.)
        if m.form == .festival {
            return recurring && ["所在周为", "所在周是", "所在的周为", "所在的一周为"].contains { DocumentScanner.matches(c, m.range.upperBound, Array($0)) }
        }
        // (A sentence that tells when the day falls each year and does nothing on it describes it: 每年农历的正月十五日,
        // 春节刚过,迎来的就是中国的传统节日--元宵节.)
        if recurring, case let text = String(c), !actionWords.contains(where: { text.contains($0) }) { return true }
        // (A day fixed for every year is the day's definition: 自2014年起将……咨询日活动固定在每年6月16日.)
        if recurring, ["固定在每年", "固定于每年"].contains(where: { before.hasSuffix($0) }) { return true }
        var at = m.range.upperBound
        // (……的第三个星期六, 第二个周日, 的第一周)
        var k = at
        if k < c.count, c[k] == "的" { k += 1 }
        if k < c.count, c[k] == "第" {
            var j = k + 1
            while j < c.count, j - k <= 3, DocumentScanner.digit(c[j]) != nil || "一二三四五六七八九十".contains(c[j]) { j += 1 }
            if j < c.count, c[j] == "个" { j += 1 }
            if DocumentScanner.matches(c, j, "星期"), j + 2 < c.count {
                at = j + 3
                recurring = true
            } else if j < c.count, c[j] == "周" {
                at = j + 1
                if at < c.count, "一二三四五六日天末".contains(c[at]) { at += 1 }
                recurring = true
            }
        }
        guard recurring, at < c.count else { return false }
        // The word that names it: 为, 是, 定为 (设为, 确定为, 命名为); or 设立的 before what it is (节日, 纪念日).
        if DocumentScanner.matches(c, at, Array("设立的")) {
            return ["节日", "纪念日", "日", "节"].contains { DocumentScanner.matches(c, at + 3, Array($0)) }
        }
        if let verb = ["定为", "设为", "确定为", "命名为"].first(where: { DocumentScanner.matches(c, at, Array($0)) }) {
            at += verb.count - 1
        }
        guard c[at] == "为" || c[at] == "是" else { return false }
        var end = at + 1
        while end < c.count, !"，,。；;！!？?".contains(c[end]) { end += 1 }
        let named = String(c[(at + 1)..<end]).filter { !"“”\"「」‘’ ".contains($0) }
        // (A week or a month may be the named time: 推动周, 安全生产月.)
        return named.count >= 2 && ["日", "节", "纪念日", "周", "月"].contains(where: { named.hasSuffix($0) })
            && !actionWords.contains { named.contains($0) && $0 != "活动" && $0 != "宣传" }
    }

    /// Whether a mention is what an appeal asks of the public (志愿者们呼吁群众在清明祭祀期间……).
    static func inAppeal(_ m: Mention, in c: [Character], clause: Range<Int>) -> Bool {
        let before = String(c[clause.lowerBound..<max(clause.lowerBound, m.range.lowerBound)])
        return appealWords.contains { before.contains($0) }
    }

    /// Whether a mention is inside the frame of a requirement (结合“清廉小店·清明行”活动要求, 按照……春节期间
    /// ……工作部署): the work is done under it, not on it.
    static func inFrame(_ m: Mention, in c: [Character], clause: Range<Int>) -> Bool {
        let before = String(c[clause.lowerBound..<max(clause.lowerBound, m.range.lowerBound)])
        guard UnitDictionary.frameBefore.contains(where: { before.contains($0) }) else { return false }
        let after = String(c[min(m.range.upperBound, clause.upperBound)..<clause.upperBound])
        // (Or the frame is the clause's theme: 结合“五四”青年节的主题,组织……趣味运动会.)
        return ["要求", "精神", "部署", "规定", "的主题"].contains { after.utf8HasSuffix($0) || after.utf8HasSuffix($0 + "，") || after.utf8HasSuffix($0 + ",") }
    }

    /// Whether a mention is inside a frame that runs over several clauses (根据……文件精神,在8月16日至9月22日
    /// 期间,开展……活动的要求,我校准备在9月11日……开展……): from a clause that opens with 根据/按照/结合…
    /// to a later clause that ends with 要求/精神/部署/规定, with no clause between opened by the document's
    /// own actor (我校, 我局, 本单位).
    static func inFrameSpan(_ m: Mention, in c: [Character], clauses: [Range<Int>]) -> Bool {
        guard let k = clauses.firstIndex(where: { $0.contains(m.range.lowerBound) }) else { return false }
        func text(_ j: Int) -> String { String(c[clauses[j]]).trimmingSpaces() }
        func own(_ j: Int) -> Bool { ["我", "本"].contains { text(j).utf8HasPrefix($0) } }
        guard !own(k),
            let open = (max(0, k - 3)...k).reversed().first(where: { j in UnitDictionary.frameBefore.contains { text(j).utf8HasPrefix($0) } })
        else { return false }
        if (open..<k).contains(where: { own($0) && $0 > open }) { return false }
        for e in k..<min(clauses.count, k + 4) {
            if e > k, own(e) { return false }
            let t = String(text(e).reversed().drop { "，,。；;”\"".contains($0) }.reversed())
            // (A later clause closes the frame when the date's activity is what it names: ……活动的要求.)
            if ["要求", "精神", "部署", "规定"].contains(where: { t.hasSuffix(e > k ? "的" + $0 : $0) }), e > k || open < k { return true }
        }
        return false
    }

    static let documentWords = [
        "活动方案", "工作方案", "实施方案", "方案", "演讲稿", "范文", "作文", "手抄报", "倡议书", "主题班会教案", "教案", "工作总结", "总结", "应急预案", "预案",
    ]

    /// Whether a festival names a document (2022清明祭扫活动方案(通用13篇), 中秋节主题演讲稿): its words
    /// run on to a document's kind without a verb or a break.
    static func namesDocument(_ m: Mention, in c: [Character]) -> Bool {
        var j = m.range.upperBound
        var run: [Character] = []
        while j < c.count, run.count <= 10, DocumentScanner.isHan(c[j]) || DocumentScanner.digit(c[j]) != nil {
            run.append(c[j])
            j += 1
        }
        let s = String(run)
        guard let word = documentWords.first(where: { s.contains($0) }), let end = s.utf8End(of: word) else { return false }
        let between = String(s[..<end]).removing(word)
        return !(actionWords + ["制定", "制订", "撰写", "征集", "印发", "下发"]).contains { between.contains($0) && $0 != "活动" }
    }

    /// A step timed from the activity a programme dates (提前一周开始宣传 → `-7d`, 提前3天 → `-3d`, 活动结束后两三天 →
    /// `+2d..+3d`): the offset and the words; nil when the sentence has none, or writes a date of its own.
    static func relativeToActivity(_ c: [Character]) -> (offset: String, spelled: String)? {
        let numerals: [Character: Int] = ["一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10]
        func count(_ i: Int) -> (Int, Int)? {
            if let n = DocumentScanner.asciiNumber(c, i, maxDigits: 2) { return (n.value, n.end) }
            if i < c.count, let n = numerals[c[i]] { return (n, i + 1) }
            return nil
        }
        for i in c.indices.dropLast(2) {
            if c[i] == "提", c[i + 1] == "前", let (n, e) = count(i + 2), e < c.count, c[e] == "天" || c[e] == "周" {
                return ("-\(c[e] == "周" ? 7 * n : n)d", String(c[i...e]))
            }
            // 活动结束后两三天, 结束后3天
            if c[i] == "后", i >= 2, c[i - 2] == "结", c[i - 1] == "束", let (n, e) = count(i + 1), e < c.count {
                if c[e] == "天" { return ("+\(n)d", String(c[(i - 2)...e])) }
                if let (m, e2) = count(e), m == n + 1, e2 < c.count, c[e2] == "天" { return ("+\(n)d..+\(m)d", String(c[(i - 2)...e2])) }
            }
        }
        return nil
    }

    /// Whether a date is written with its year (2024年1月30日).
    static func startsWithYear(_ spelled: String) -> Bool {
        let c = Array(spelled)
        guard let y = DocumentScanner.asciiNumber(c, 0, maxDigits: 4) else { return false }
        return y.end == 4 && c.count > 4 && c[4] == "年"
    }

    /// An item for a point under a month heading: the whole month, the point as its title.
    func sectionItem(month: Int) -> DraftItem {
        let mm = MentionScanner.two(month)
        let m = Mention(
            range: 0..<0, spelled: "\(month)月", form: .vague, rule: "\(mm)-01..\(mm)-last", month: month, dateSource: "sourced",
            confidence: 0.6)
        return sectionItem(m, note: "日期取自所在的“\(month)月”标题")
    }

    /// A point dated by the heading of its section (a month's or a festival's): `heading` is the
    /// heading's date, the point's whole text is the item.
    func sectionItem(_ heading: Mention, note: String) -> DraftItem {
        let clauses = DocumentScanner.clauses(c)
        var m = heading
        m.range = 0..<0
        m.confidence = min(m.confidence, 0.6)
        m.unsure.append(note)
        var point = item(m, anchor: 0, span: 0..<c.count, clauses: clauses, first: 0, last: max(0, clauses.count - 1), dailyNote: false)
        var t = clean(String(c))
        while let l = t.last, "。；;，,".contains(l) { t.removeLast() }
        if t.count > 48 { t = String(t.prefix(47)) + "…" }
        if t.count >= 2 { point.title = t }
        return point
    }

    /// Words of a sentence that schedules something (an activity, a meeting, a deadline).
    static let scheduleWords = [
        "开展", "举办", "举行", "组织", "召开", "启动", "活动", "慰问", "宣传", "演出", "比赛", "竞赛", "展览", "展出", "放映", "上报",
        "报送", "完成", "检查", "评选", "表彰", "培训", "讲座", "晚会", "联欢", "祭", "纪念", "教育", "庆祝", "庆", "迎", "过", "度",
        "志愿", "服务", "放假", "休假", "调休", "考试", "报到", "上课", "开放", "安排", "部署", "推出", "参加", "参与", "发放", "走访", "文明", "读书", "诵读", "植树", "班会", "主题",
    ]

    static let leadingWords = [
        "与此同时", "同时", "此外", "并且", "另外", "定于", "拟于", "并", "于", "在", "从", "自", "通过", "要", "将", "还", "也", "已经", "已", "积极",
        "再次", "继续", "共", "我区", "全区", "各单位", "以", "对于", "为了", "为", "均", "都", "进一步", "扎实", "认真", "集中",
        // A part of the day left after the date (10月16日下午，……) or a day named again (当天下午2点).
        "上午", "中午", "下午", "晚上", "当天", "当日",
    ]
    static let verbs = ["组织开展了", "组织开展", "集中开展了", "开展了", "开展", "举办了", "举办", "召开了", "召开", "举行了", "举行", "组织了", "组织好", "组织"]
    static let actionWords = [
        "上报", "报送", "提交", "举办", "召开", "举行", "开展", "组织", "启动", "进行", "检查", "播放", "完成", "演出", "开幕", "闭幕",
        "上演", "征订", "统计", "比赛", "活动", "会议", "培训", "宣传", "诵读", "祭奠", "开设",
    ]

    func clean(_ text: String) -> String {
        var s = text.trimmingSpaces()
        var changed = true
        while changed {
            changed = false
            while let f = s.first, "，,、。：:；;）)】》”\"' ".contains(f) {
                s.removeFirst()
                changed = true
            }
            for w in Self.leadingWords where s.utf8HasPrefix(w) && s.count > w.count + 1 {
                s.removeFirst(w.count)
                changed = true
            }
            // (A unit's name that opens the text: the dictionary's first spelling of it there.)
            let chars = DocumentScanner.characters(s)
            if !chars.isEmpty, let spelled = UnitDictionary.entry(in: chars, at: 0, end: chars.count)?.chars.count {
                if spelled < chars.count {
                    s.removeFirst(spelled)
                    for w in ["执法人员", "工作人员", "人员", "的"] where s.utf8HasPrefix(w) { s.removeFirst(w.count) }
                    changed = true
                }
            }
        }
        if s.utf8HasPrefix("由"), let end = s.utf8End(of: "参加的") { s = String(s[end...]) }
        while let l = s.last, "，,、。：:；;（(“".contains(l) { s.removeLast() }
        return s
    }

    func verbCut(_ text: String) -> String {
        for v in Self.verbs {
            if let end = text.utf8End(of: v) {
                var rest = String(text[end...])
                if rest.utf8HasPrefix("了") { rest.removeFirst() }
                rest = clean(rest)
                if rest.count >= 4 { return rest }
            }
        }
        return text
    }

    func title(_ m: Mention, anchor: Int, clauses: [Range<Int>], first: Int, last: Int) -> (String, Double) {
        // (Each clause's text made once: the look for the clause that acts reads them several times.)
        var texts: [Int: String] = [:]
        func text(_ k: Int) -> String {
            if let t = texts[k] { return t }
            var chars: [Character] = []
            // A festival's name stays in the title (“庆三八”联谊会); a date is taken out of it.
            for i in clauses[k] where m.form == .festival || m.kindHint == "campaign-name" || !m.range.contains(i) { chars.append(c[i]) }
            let t = clean(String(chars))
            texts[k] = t
            return t
        }
        var confidence = 0.6
        // A date in brackets after an activity's name (1 .宣传动员会议(9月1日)召开全校教师大会): the name.
        if m.form != .festival, m.range.lowerBound >= 3, c[m.range.lowerBound - 1] == "(" || c[m.range.lowerBound - 1] == "（",
            m.range.upperBound < c.count, c[m.range.upperBound] == ")" || c[m.range.upperBound] == "）"
        {
            var k = m.range.lowerBound - 1
            while k > 0, DocumentScanner.isHan(c[k - 1]) || "“”《》·".contains(c[k - 1]), m.range.lowerBound - k <= 24 { k -= 1 }
            let name = String(c[k..<(m.range.lowerBound - 1)])
            let numbered = k == 0 || ".．、".contains(c[k - 1])
            if name.filter({ DocumentScanner.isHan($0) }).count >= 3,
                numbered || Self.actionWords.contains(where: { name.contains($0) }) || name.hasSuffix("会") || name.hasSuffix("展示")
            {
                return (name, 0.6)
            }
        }
        var t = text(anchor)
        // 活动厅, 活动室, 活动中心 are places, not activities.
        let hasAction = { (s: String) in
            let words = s.removing("活动厅").removing("活动室")
                .removing("活动中心")
            return Self.actionWords.contains { words.contains($0) } || ["做好", "布置", "慰问", "走访", "看望"].contains { words.contains($0) }
        }
        // A clause that frames the activity by its theme (盘龙乡围绕“……”的活动主题, 结合妇女维权知识培训的主题) names
        // no activity: the clause that acts after it does.
        let framesTheme = { (s: String) in
            ["结合", "围绕"].contains { w in s.prefix(12).contains(w) } && String(s.reversed().drop { "，,”\"".contains($0) }.reversed()).hasSuffix("主题")
        }
        if !hasAction(t) || t.count < 4 {
            if anchor < last, let k = ((anchor + 1)...last).first(where: { hasAction(text($0)) && !framesTheme(text($0)) }) {
                t = t.count >= 2 && t.count <= 12 && !hasAction(t) ? text(k) : (t.count < 4 ? text(k) : t + "，" + text(k))
                if t.count > 24 { t = text(k) }
            } else if anchor > first, let k = (first..<anchor).last(where: { hasAction(text($0)) }) {
                // The activity before the date's clause (开展“我们的节日·中秋”诗词朗诵会,……中秋夜景).
                t = text(k)
            } else if t.count < 4 {
                var k = anchor + 1
                while t.count < 4, k <= last {
                    t += (t.isEmpty ? "" : "，") + text(k)
                    k += 1
                }
                k = anchor - 1
                while t.count < 4, k >= first {
                    t = text(k) + (t.isEmpty ? "" : "，") + t
                    k -= 1
                }
                confidence = 0.4
            }
        }
        t = verbCut(t)
        if let f = m.festival, !t.contains(f.chineseName), !t.contains(m.spelled) {
            let name = m.form == .festival ? f.chineseName : m.spelled.removing("“").removing("”")
            t = t.isEmpty ? name : name + "：" + t
        }
        if t.isEmpty {
            t = m.spelled + "相关工作"
            confidence = 0.2
        }
        if t.count > 48 {
            t = String(t.prefix(47)) + "…"
            confidence = min(confidence, 0.4)
        }
        return (t, confidence)
    }

    func kind(_ m: Mention, title: String, clauseText: String) -> (ItemKind, Double) {
        let focus = title + clauseText
        func any(_ words: [String], _ s: String) -> Bool { words.contains { s.contains($0) } }
        if m.quota != nil || m.kindHint == "recurring-check" { return (.recurringCheck, 0.8) }
        if m.kindHint == "deadline" || any(["上报", "报送", "提交", "截止", "报至"], focus) { return (.deadline, 0.7) }
        if any(["检查", "督查", "验收", "复检", "抽查", "暗访", "巡查", "排查"], focus) {
            return (m.form == .recurrence ? .recurringCheck : .inspection, 0.7)
        }
        if m.form == .recurrence { return (.recurringCheck, 0.5) }
        if any(["会议", "大会", "部署会", "报告会", "座谈会", "推进会", "动员会", "联席会", "培训班", "培训会", "讲座", "联谊会", "研讨会"], title) {
            return (.meeting, 0.7)
        }
        if m.form == .festival {
            return (m.kindHint == "commemoration" ? .commemoration : .festival, 0.7)
        }
        if m.form == .window || m.form == .holiday || m.form == .vague { return (.campaign, 0.5) }
        if any(["活动", "志愿服务", "竞赛", "宣传月", "宣传周"], title) { return (.campaign, 0.5) }
        return (.task, 0.4)
    }

    static let measures = ["大项", "小项", "个", "名", "人", "家", "盒", "份", "件", "场", "所", "位", "支", "项", "万元", "余人", "次"]
    static let nounStops: Set<Character> = ["的", "对", "和", "与", "及", "在", "参", "为", "进", "共", "等", "，", ",", "、", "。", "（", "(", "”", "“"]

    /// 80个责任单位, 143大项, 2937份, 近100人.
    func figures(in range: Range<Int>) -> [String] {
        var out: [String] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard let n = DocumentScanner.asciiNumber(c, i, maxDigits: 7) else {
                i += 1
                continue
            }
            var j = n.end
            let before = i > 0 ? c[i - 1] : " "
            if "第〔[".contains(before) || (n.end - i) >= 5 {
                i = n.end
                continue
            }
            var start = i
            if i > 0, before == "近" || before == "约" || before == "共" && false { start = i - 1 }
            if j < range.upperBound, "余多".contains(c[j]) { j += 1 }
            var matched: String?
            for w in Self.measures where DocumentScanner.matches(c, j, w) {
                matched = w
                break
            }
            guard let measure = matched else {
                i = n.end
                continue
            }
            j += measure.count
            if measure == "个" || measure == "名" || measure == "家" || measure == "位" {
                var k = j
                while k < range.upperBound, k - j < 6, DocumentScanner.isHan(c[k]), !Self.nounStops.contains(c[k]) { k += 1 }
                j = k
            }
            if measure == "次" || measure == "人" && j < c.count && c[j] == "次" {
                i = j
                continue
            }
            out.append(String(c[start..<j]))
            i = j
        }
        return out
    }

    /// Numbers that look like dates or counts but are not: hotlines, editions, anniversaries, file numbers, placeholder years.
    func notDates(in range: Range<Int>) -> [String] {
        var out: [String] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if DocumentScanner.same(c[i], "第"), let n = DocumentScanner.number(c, i + 1, maxDigits: 3), n.end < c.count, "届次期批".contains(c[n.end]) {
                out.append(String(c[i...n.end]) + "（届次）")
                i = n.end + 1
                continue
            }
            if let n = DocumentScanner.asciiNumber(c, i, maxDigits: 12) {
                let digits = n.end - i
                if digits >= 5 {
                    out.append(String(c[i..<n.end]) + "（电话或编号）")
                } else if DocumentScanner.matches(c, n.end, "周年") {
                    out.append(String(c[i..<n.end]) + "周年（周年纪念）")
                } else if n.end < c.count, c[n.end] == "号", !(i > 0 && c[i - 1] == "月") {
                    out.append(String(c[i...n.end]) + "（文件号）")
                }
                i = n.end
                continue
            }
            i += 1
        }
        for p in DocumentScanner.placeholderYears(in: String(c[range])) { out.append(p + "（占位年份）") }
        var seen: Set<String> = []
        return out.filter { seen.insert($0).inserted }
    }

    func item(
        _ m: Mention, anchor: Int, span: Range<Int>, clauses: [Range<Int>], first: Int, last: Int, dailyNote: Bool
    ) -> DraftItem {
        let (titleText, titleConfidence) = title(m, anchor: anchor, clauses: clauses, first: first, last: last)
        let clauseText = String(c[clauses[anchor]])
        var (itemKind, kindConfidence) = kind(m, title: titleText, clauseText: clauseText)
        var unsure = m.unsure
        // Owners: units named in the item's part of the sentence, else the sentence, else the line.
        // A unit named as the frame of the work (结合街道党工委的中心工作, 按照县委的部署) is not its owner.
        let c = self.c
        var found = UnitDictionary.find(in: c, range: span).filter { !UnitDictionary.inFrame(c, at: $0.at, length: 1) }
        var ownersConfidence = 0.8
        if found.filter({ !$0.unit.upper }).isEmpty {
            let wider = UnitDictionary.find(in: c, range: 0..<c.count).filter { !UnitDictionary.inFrame(c, at: $0.at, length: 1) }
            if !wider.filter({ !$0.unit.upper }).isEmpty {
                found += wider.filter { w in !found.contains { $0.unit.id == w.unit.id } }
                ownersConfidence = 0.5
            } else {
                // (Only a line of ordinary length: a page flattened into one line would make this quadratic.)
                let line = lineChars.count > 4000 ? [] : UnitDictionary.find(in: lineChars, range: 0..<lineChars.count).filter {
                    !$0.unit.upper && !UnitDictionary.inFrame(lineChars, at: $0.at, length: 1)
                }
                if let u = line.first {
                    found.append(u)
                    ownersConfidence = 0.3
                    unsure.append("负责单位“\(u.unit.name)”取自同一段落，请核对")
                }
            }
        }
        let owners = found.filter { !$0.unit.upper }.map(\.unit.id)
        let participants = found.filter { $0.unit.upper }.map(\.unit.id)
        if owners.isEmpty {
            ownersConfidence = 0
            unsure.append("原文没有写负责单位")
        }
        let figureList = figures(in: span)
        var tags: [String] = []
        for i in span where c[i] == "第" {
            if let n = DocumentScanner.number(c, i + 1, maxDigits: 3), n.end < c.count, c[n.end] == "届" {
                let t = String(c[i...n.end])
                if !tags.contains(t) { tags.append(t) }
            }
        }
        if dailyNote, m.form != .recurrence { tags.append("每天") }
        var quota = m.quota.map { DraftQuota(count: $0.count, per: $0.per) }
        if quota != nil { itemKind = .recurringCheck }
        if itemKind != .recurringCheck { quota = nil }
        if sentence.section == .summary {
            kindConfidence = min(kindConfidence, 0.7)
        }
        let whenConfidence = m.confidence
        let figuresConfidence = figureList.isEmpty ? 1.0 : 0.9
        let overall = (whenConfidence * 0.5 + titleConfidence * 0.2 + kindConfidence * 0.15 + ownersConfidence * 0.15)
        var quote = String(c[span]).trimmingSpaces()
        while let l = quote.last, "，,、。；;：:".contains(l) { quote.removeLast() }
        var sentenceText = String(c).trimmingSpaces()
        while let l = sentenceText.last, "，,、；;：:".contains(l) { sentenceText.removeLast() }
        return DraftItem(
            id: "l\(sentence.line)-\(itemKind.rawValue)", kind: itemKind, title: titleText, when: m.rule, spelled: m.spelled,
            time: m.time, owners: owners, participants: participants, figures: figureList, tags: tags, quota: quota,
            dateSource: DateSource(rawValue: m.dateSource) ?? .sourced, line: sentence.line, sentence: sentenceText,
            quote: quote, section: sentence.section, unsure: unsure, notDates: notDates(in: span),
            confidence: DraftConfidence(
                item: (overall * 100).rounded() / 100, title: titleConfidence, kind: kindConfidence, when: whenConfidence,
                owners: ownersConfidence, figures: figuresConfidence))
    }
}

extension Array {
    /// Removes the elements at `offsets`, keeping the order of the others.
    mutating func removeElements(at offsets: Set<Int>) {
        guard !offsets.isEmpty else { return }
        self = indices.filter { !offsets.contains($0) }.map { self[$0] }
    }
}
