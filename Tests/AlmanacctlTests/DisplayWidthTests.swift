import Testing

@testable import almanacctl

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3), ("区文明办", 8), ("“红红火火过大年”志愿服务", 24), ("（一）", 6), ("e\u{301}", 1),
        ("👍", 2), ("❤️", 2), ("A\u{200B}B", 2), ("ｆｕｌｌ", 8), ("한국", 4), ("", 0), ("\u{1B}", 0),
    ])
    func widths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    /// The scalar-by-scalar sum for ASCII and CJK text agrees with measuring each character.
    @Test(arguments: [
        "第二十三届文化艺术节：开幕式", "2026-05-01 周五 qingming-2026/phase", "かな・カナ ー、。「」", "ｆｕｌｌ！～",
        "e\u{301}中", "中\u{3099}", "国\u{FE0F}", "〰\u{FE0F}", "👍🏽", "a\u{200D}b", "한국", "\t中", "05-01–05-05 “引号”…—", "–\u{301}",
    ])
    func fastWidthsAgreeWithCharacters(text: String) {
        #expect(DisplayWidth.of(text) == text.reduce(0) { $0 + DisplayWidth.of(character: $1) })
    }

    @Test func paddingAndTruncation() {
        #expect(DisplayWidth.padded("网吧", to: 6) == "网吧  ")
        #expect(DisplayWidth.padded("网吧检查", to: 6) == "网吧检查")
        #expect(DisplayWidth.truncated("全国文明城市复检材料上报", to: 9) == "全国文明…")
        #expect(DisplayWidth.truncated("short", to: 9) == "short")
    }

    @Test func tableAlignsChineseAndLatin() {
        var table = Table(header: ["事项", "标题", "状态"])
        table.add(["qingming", "清明节", "open"])
        table.add(["spring-volunteers", "“红红火火过大年”志愿服务", "done"])
        #expect(table.render() == """
            事项               标题                      状态
            qingming           清明节                    open
            spring-volunteers  “红红火火过大年”志愿服务  done
            """)
    }

    /// Rows longer or shorter than the header: each cell is padded by its own width (the widths
    /// are kept row after row in one array), and no line ends in spaces.
    @Test func tableWithRowsOfOtherLengths() {
        var table = Table(header: ["A", "B"])
        table.add(["汉字", "x", "long"])
        table.add(["y"])
        table.add(["zz", "", ""])
        #expect(table.render() == "A     B\n汉字  x  long\ny\nzz")
    }

    @Test(arguments: [
        (true, [:], true), (false, [:], false), (true, ["NO_COLOR": "1"], false), (true, ["NO_COLOR": ""], true),
        (true, ["TERM": "dumb"], false),
    ] as [(Bool, [String: String], Bool)])
    func colourOnlyOnATerminalWithoutNoColor(isTTY: Bool, environment: [String: String], expected: Bool) {
        #expect(TerminalStyle.decide(isTTY: isTTY, environment: environment) == expected)
    }

    @Test func colourWrapsAfterPadding() {
        var table = Table(header: ["A", "B"])
        table.add(["x", "y"], style: TerminalStyle(enabled: true).red)
        #expect(table.render() == "A  B\n\u{1B}[31mx\u{1B}[0m  \u{1B}[31my\u{1B}[0m")
    }
}
