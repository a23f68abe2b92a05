/// Text normalisation before reading: full-width digits and letters as ASCII, spaces that PDF
/// conversion left inside dates ("12 月底前", "3 月 5 日") dropped, and traditional characters
/// read as simplified when the document is written in them.
public enum DraftText {
    /// Traditional → simplified, one character for one (ICU's Hant-Hans, see TraditionalSimplified.swift).
    /// Characters that are also ordinary simplified characters (乾 in 乾坤, 俱 in 俱乐部, 著, 麽…)
    /// are left out, so a simplified document is never changed by it.
    /// Keyed by the traditional character's scalar: a `Character` key hashes and compares through
    /// Unicode normalisation, which was an eighth of the drafting time of a long document.
    static let simplifiedScalars: [UInt32: Character] = {
        let keep: Set<Character> = ["乾", "俱", "著", "麽", "瞭", "藉", "鍾", "於", "餘", "徵", "衝", "噹", "甦", "佈", "摺", "夥", "纔"]
        var map: [UInt32: Character] = [:]
        var pending: Character?
        for ch in traditionalSimplifiedPairs where !ch.isWhitespace {
            if let t = pending {
                if !keep.contains(t), let v = DocumentScanner.scalarValue(t) { map[v] = ch }
                pending = nil
            } else {
                pending = ch
            }
        }
        return map
    }()

    /// The simplified form of a traditional character, or the character itself.
    @inline(__always)
    static func simplified(_ ch: Character) -> Character {
        guard let v = DocumentScanner.scalarValue(ch), v >= 0x3400 else { return ch }
        return simplifiedScalars[v] ?? ch
    }

    /// About a thousand of the most common characters (simplified): text decoded in the wrong
    /// encoding (Big5 read as GB18030) has few of them.
    static let common: Set<Character> = Set("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵")

    /// Whether `text` is written in traditional characters: at least 3 of them, and at least 2% of
    /// its Han characters.
    static func isTraditional(_ text: String) -> Bool {
        var han = 0
        var traditional = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            guard (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) else { continue }
            han += 1
            if traditionalScalars.contains(v) { traditional += 1 }
        }
        return traditional >= 3 && traditional * 50 >= han
    }

    static let traditionalScalars: Set<UInt32> = Set(simplifiedScalars.keys)

    static func halfWidth(_ ch: Character) -> Character {
        guard let v = DocumentScanner.scalarValue(ch) else { return ch }
        switch v {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return Unicode.Scalar(v - 0xFEE0).map(Character.init) ?? ch
        case 0x3000:
            return " "
        default:
            return ch
        }
    }

    static let dateWords: Set<Character> = ["年", "月", "日", "号"]

    /// The spaces `normalize` drops inside dates.
    static let blanks: ScalarSet = [" ", "\t", "\u{00A0}"]

    /// One line as read: each kept character with the index of the character of `line` it comes from.
    /// Whether normalising leaves `line` as it is. Most lines of a simplified document have
    /// nothing to change: no space, no full-width form, no pinyin gloss.
    /// On UTF-8 bytes, exactly what `normalize` changes: a space, tab or no-break space (C2 A0), the
    /// ideographic space (E3 80 80), full-width digits and letters (EF BC 90–99, EF BC A1–BA, EF BD 81–9A).
    /// (Chinese punctuation (。，：、) shares the lead bytes E3 and EF and is left alone.)
    static func isPlain(_ line: String, traditional: Bool) -> Bool {
        if traditional { return false }
        let (blank, wide) = blanksAndWideForms(line)
        return !blank && !wide && !mayHaveGloss(line)
    }

    /// Whether `line` holds a space, tab or no-break space, and whether it holds a form `halfWidth`
    /// changes (the ideographic space, full-width digits and letters).
    static func blanksAndWideForms(_ line: String) -> (blank: Bool, wide: Bool) {
        var blank = false
        var wide = false
        var copy = line
        copy.withUTF8 { b in
            let n = b.count
            var i = 0
            while i < n, !(blank && wide) {
                let x = b[i]
                if x == 0x20 || x == 0x09 {
                    blank = true
                } else if x == 0xC2, i + 1 < n, b[i + 1] == 0xA0 {
                    blank = true
                } else if x == 0xE3, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x80 {
                    wide = true
                } else if x == 0xEF, i + 2 < n {
                    let y = b[i + 1], z = b[i + 2]
                    if y == 0xBC, (0x90...0x99).contains(z) || (0xA1...0xBA).contains(z) { wide = true }
                    if y == 0xBD, (0x81...0x9A).contains(z) { wide = true }
                }
                i += 1
            }
        }
        return (blank, wide)
    }

    /// The line as read (`text`), the index in `original` (its characters) each character comes
    /// from (`source`, empty when the line is plain).
    static func normalize(_ line: String, traditional: Bool) -> (text: [Character], source: [Int], original: [Character]) {
        let chars = DocumentScanner.characters(line)
        if isPlain(line, traditional: traditional) { return (chars, [], chars) }
        var out: [Character] = []
        var source: [Int] = []
        out.reserveCapacity(chars.count)
        source.reserveCapacity(chars.count)
        // (Without a wide form, `halfWidth` leaves every character as it is.)
        var mapped = blanksAndWideForms(line).wide ? chars.map { halfWidth($0) } : chars
        if traditional { mapped = mapped.map(simplified) }
        var i = 0
        while i < mapped.count {
            let ch = mapped[i]
            if blanks.contains(ch) {
                var j = i
                while j < mapped.count, blanks.contains(mapped[j]) { j += 1 }
                if let prev = out.last, j < mapped.count, Self.joins(prev, mapped[j]) {
                    i = j
                    continue
                }
                for k in i..<j {
                    out.append(mapped[k])
                    source.append(k)
                }
                i = j
                continue
            }
            // A pinyin gloss a page left after a character (節(jié)日期間, 縣財(cái)政局) is not read.
            if DocumentScanner.same(ch, "("), let prev = out.last, DocumentScanner.isHan(prev), let end = Self.glossEnd(mapped, i) {
                i = end
                continue
            }
            out.append(ch)
            source.append(i)
            i += 1
        }
        return (out, source, chars)
    }

    static let toneLetters: Set<Character> = Set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")

    /// Whether a line may hold a pinyin gloss: a bracket and a letter with a tone mark (bytes C3–C7 in UTF-8).
    static func mayHaveGloss(_ line: String) -> Bool {
        line.utf8.contains(0x28) && line.utf8.contains(where: { $0 >= 0xC3 && $0 <= 0xC7 })
    }

    /// Where a pinyin gloss opening at `i` ("(jié)") ends (after its bracket): one syllable of
    /// lowercase letters with a tone mark.
    static func glossEnd(_ c: [Character], _ i: Int) -> Int? {
        var j = i + 1
        var tone = false
        while j < c.count, j - i <= 7, c[j].isASCII ? (c[j] >= "a" && c[j] <= "z") : toneLetters.contains(c[j]) {
            if !c[j].isASCII { tone = true }
            j += 1
        }
        guard tone, j < c.count, c[j] == ")", j > i + 1 else { return nil }
        return j + 1
    }

    /// Whether spaces between `a` and `b` are left inside a date by PDF conversion ("12 月", "月 5", "二 月").
    static func joins(_ a: Character, _ b: Character) -> Bool {
        let aDigit = DocumentScanner.digit(a) != nil
        let bDigit = DocumentScanner.digit(b) != nil
        if aDigit && (bDigit || dateWords.contains(b)) { return true }
        if dateWords.contains(a) && bDigit { return true }
        if b == "月", DocumentScanner.chineseDigits[a] != nil || a == "十" { return true }
        if aDigit, b == ":" || b == "：" || b == "." { return true }
        if a == ":" || a == "：", bDigit { return true }
        return false
    }

    /// The form texts are compared in (the corpus scorer, duplicate checks): full-width as ASCII,
    /// traditional as simplified, without spaces.
    public static func matchingForm(_ text: String) -> String {
        var out: [Character] = []
        out.reserveCapacity(text.utf8.count)
        for ch in DocumentScanner.characters(text) {
            let h = halfWidth(ch)
            if DocumentScanner.isWhitespace(h) { continue }
            out.append(simplified(h))
        }
        return String(out)
    }
}

extension String {
    /// The string without any occurrence of `word`; Foundation's search runs only when the byte
    /// search finds it (most calls remove nothing, and the Unicode-aware search is slow).
    func removing(_ word: String) -> String {
        contains(word) ? replacingOccurrences(of: word, with: "") : self
    }

    /// Whether `other` occurs in this string, compared byte for byte in UTF-8 (the drafter's text is
    /// normalised already). Foundation's `contains` is a Unicode-aware search that took most of the
    /// drafting time; this overload is chosen inside the module for `String` arguments.
    func contains(_ other: String) -> Bool {
        other.isEmpty || utf8Offset(of: other) != nil
    }

    /// Where the first occurrence of `word` (not empty) starts, in UTF-8 bytes, found byte for byte.
    func utf8Offset(of word: String) -> Int? {
        var haystack = self
        var needle = word
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard !n.isEmpty, n.count <= h.count else { return nil }
                // (The needle's last byte is tested with its first: in Chinese text most characters
                // share a lead byte with the needle's first, and few share its last.)
                let first = n[0]
                let lastByte = n[n.count - 1]
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first, h[i + n.count - 1] == lastByte {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

extension String {
    /// Whether the string holds the character `ch`. When `ch` is a plain scalar (see
    /// `DocumentScanner.plainScalar`) and every scalar of the string stands alone (so each is a
    /// character of its own), this compares scalar values, which gives the same answer as the
    /// standard library's `contains`: that one runs the grapheme-breaking rules over the string and
    /// compares each character as a string, and the word lists checked character by character
    /// (`"，。；".contains(ch)`) took a tenth of drafting a document of dated lines.
    /// This overload is chosen inside the module for `Character` arguments.
    func contains(_ ch: Character) -> Bool {
        guard let v = DocumentScanner.plainScalar(ch) else { return contains(where: { $0 == ch }) }
        var found = false
        for scalar in unicodeScalars {
            guard DocumentScanner.standsAlone(scalar.value) else { return contains(where: { $0 == ch }) }
            if scalar.value == v { found = true }
        }
        return found
    }

    /// `String(chars)`, built from the characters' UTF-8 bytes: the standard library's initialiser
    /// for a sequence of characters walks an `ArraySlice` through unspecialised code (about 15,000
    /// instructions for a clause) and grows the string as it appends. The bytes are the same.
    init(_ chars: ArraySlice<Character>) {
        var count = 0
        for ch in chars { count += ch.utf8.count }
        self.init(unsafeUninitializedCapacity: count) { buffer in
            var i = 0
            for ch in chars {
                for byte in ch.utf8 {
                    buffer[i] = byte
                    i += 1
                }
            }
            return i
        }
    }

    /// `String(chars)` for an array of characters; see the `ArraySlice` overload.
    init(_ chars: [Character]) { self.init(chars[...]) }
}

extension String {
    /// `hasPrefix` on UTF-8 bytes: the line checks run for every line of a document, and the
    /// Unicode-aware comparison of the standard library was a large part of drafting time.
    func utf8HasPrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

    /// Where the first occurrence of `word` ends, found byte for byte in UTF-8 (whole characters of
    /// normalised text, so the end is a character boundary); nil when it does not occur.
    func utf8End(of word: String) -> String.Index? {
        guard let at = utf8Offset(of: word) else { return nil }
        return utf8.index(utf8.startIndex, offsetBy: at + word.utf8.count)
    }

    /// `hasSuffix` on UTF-8 bytes.
    func utf8HasSuffix(_ suffix: String) -> Bool {
        let n = suffix.utf8.count
        return utf8.count >= n && utf8.suffix(n).elementsEqual(suffix.utf8)
    }
}
