import Foundation
import Mustache

/// The kinds of mail almanac sends, each with its own templates.
public enum MailKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A lead reminder (`-10wd`, `-1d`, the day itself).
    case reminder
    /// A repeat after the deadline.
    case overdue
    /// A unit's daily digest.
    case digest
    /// The escalation to the leaders.
    case escalation
    /// `almanacctl send-test`: one message through each destination of a unit.
    case test
    /// Robot messages merged because they would exceed a robot's rate limit (robots only).
    case batch
}

/// One template file's part: the mail's subject, plain text and optional HTML, and the group
/// robots' plain text (`chat`) and markdown.
public enum MailTemplatePart: String, Sendable, Hashable, CaseIterable {
    case subject
    case text
    case html
    /// A robot's plain-text message (WeCom and DingTalk `text`, Feishu `text`, the webhook's `text`).
    case chat
    /// A robot's markdown (WeCom and DingTalk `markdown`, Feishu's card).
    case markdown

    /// `reminder.subject.mustache`; English robot templates `reminder.chat.en.mustache`.
    public func fileName(_ kind: MailKind, language: TemplateLanguage = .zh) -> String {
        "\(kind.rawValue).\(rawValue)" + (language == .en ? ".en" : "") + ".mustache"
    }

    /// The robot parts, which come in every language; mail parts are Chinese only.
    public var isRobot: Bool { self == .chat || self == .markdown }
}

/// The language of the robot templates: Chinese by default, English available per destination.
public enum TemplateLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case zh, en
}

/// A rendered robot message: a one-line title (the text's first line), the plain text, the markdown.
public struct RenderedRobotMessage: Hashable, Sendable {
    public var title: String
    public var text: String
    public var markdown: String

    public init(title: String, text: String, markdown: String) {
        self.title = title
        self.text = text
        self.markdown = markdown
    }
}

/// A template that does not parse, at its file, line and column.
public struct TemplateDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    /// `file:line:column: error: message`, as a compiler prints it.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// Templates could not be loaded; every problem found.
public struct TemplateLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public var diagnostics: [TemplateDiagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A rendered mail: subject (one line) and bodies.
public struct RenderedMail: Hashable, Sendable {
    public var subject: String
    public var text: String
    public var html: String?

    public init(subject: String, text: String, html: String? = nil) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// The mail templates: the built-in Chinese defaults (the same text as `config/templates/`),
/// each replaceable by a file of the same name in an override directory.
///
/// Subject and text templates render as plain text (no HTML escaping); HTML templates escape
/// `{{value}}` for HTML.
public struct MailTemplates: Sendable {
    struct Entry: Sendable {
        var template: MustacheTemplate
        /// Where it came from: a file path, or `<built-in>/NAME`.
        var source: String
    }

    private var entries: [String: Entry]
    /// The override directory, if any.
    public let directory: String?

    /// Every template source in use, by file name (for logs).
    public var sources: [String: String] { entries.mapValues(\.source) }

    /// The built-in templates only.
    public static func builtIn() throws(TemplateLoadError) -> MailTemplates {
        try load(overrides: [:], directory: nil)
    }

    /// The built-ins, replaced by the `*.mustache` files of `directory` that have a known name.
    /// Reports every template that does not parse (file:line:column) and unknown file names.
    public static func load(directory: String?) throws(TemplateLoadError) -> MailTemplates {
        guard let directory else { return try builtIn() }
        var overrides: [String: (path: String, text: String)] = [:]
        var diagnostics: [TemplateDiagnostic] = []
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TemplateLoadError(diagnostics: [
                TemplateDiagnostic(file: directory, line: 1, column: 1, message: "cannot read the template directory")
            ])
        }
        let known = Set(allFileNames)
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard known.contains(name) else {
                diagnostics.append(
                    TemplateDiagnostic(
                        file: path, line: 1, column: 1,
                        message: "unknown template name (known: \(known.sorted().joined(separator: ", ")))"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(TemplateDiagnostic(file: path, line: 1, column: 1, message: "cannot read the file as UTF-8"))
                continue
            }
            overrides[name] = (path, text)
        }
        let loaded: Result<MailTemplates, TemplateLoadError>
        do {
            loaded = .success(try load(overrides: overrides, directory: directory))
        } catch {
            loaded = .failure(error)
        }
        switch loaded {
        case .success(let templates) where diagnostics.isEmpty: return templates
        case .success: throw TemplateLoadError(diagnostics: diagnostics)
        case .failure(let error): throw TemplateLoadError(diagnostics: diagnostics + error.diagnostics)
        }
    }

    /// Every template file name there is.
    static var allFileNames: [String] {
        MailKind.allCases.flatMap { kind in
            MailTemplatePart.allCases.flatMap { part in
                (part.isRobot ? TemplateLanguage.allCases : [.zh]).map { part.fileName(kind, language: $0) }
            }
        }
    }

    /// No templates at all: renders empty mail. Only a fallback that the built-ins make unneeded.
    public static var empty: MailTemplates { MailTemplates(entries: [:], directory: nil) }

    static func load(overrides: [String: (path: String, text: String)], directory: String?) throws(TemplateLoadError)
        -> MailTemplates
    {
        var entries: [String: Entry] = [:]
        var diagnostics: [TemplateDiagnostic] = []
        for kind in MailKind.allCases {
            for part in MailTemplatePart.allCases {
                for language in part.isRobot ? TemplateLanguage.allCases : [.zh] {
                    let name = part.fileName(kind, language: language)
                    let source: String
                    let text: String
                    if let override = overrides[name] {
                        (source, text) = (override.path, override.text)
                    } else if let builtIn = DefaultMailTemplates.text[name] {
                        (source, text) = ("<built-in>/\(name)", builtIn)
                    } else {
                        continue  // no HTML by default
                    }
                    do {
                        entries[name] = Entry(template: try parse(text, part: part), source: source)
                    } catch {
                        diagnostics.append(error.located(in: source))
                    }
                }
            }
        }
        guard diagnostics.isEmpty else { throw TemplateLoadError(diagnostics: diagnostics) }
        return MailTemplates(entries: entries, directory: directory)
    }

    /// Text parts get the TEXT content type (no HTML escaping). The pragma goes on line 1 before
    /// the template's own text, so only columns of line 1 move, and those are corrected.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    struct ParseFailure: Error {
        var line: Int
        var column: Int
        var message: String

        func located(in file: String) -> TemplateDiagnostic {
            TemplateDiagnostic(file: file, line: line, column: column, message: message)
        }
    }

    static func parse(_ text: String, part: MailTemplatePart) throws(ParseFailure) -> MustacheTemplate {
        let prefix = part == .html ? "" : textPragma
        do {
            return try MustacheTemplate(string: prefix + text)
        } catch let error as MustacheTemplate.ParserError {
            var column = error.context.columnNumber
            if error.context.lineNumber == 1 { column = max(1, column - prefix.count) }
            throw ParseFailure(line: error.context.lineNumber, column: column, message: "template: \(describe(error.error))")
        } catch {
            throw ParseFailure(line: 1, column: 1, message: "template: \(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "the section end does not match the open section"
        case .unfinishedName: return "unfinished tag (missing '}}')"
        case .expectedSectionEnd: return "a section is not closed (missing '{{/name}}')"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inherited section"
        case .textInsideInheritSection: return "text inside an inherited section"
        case .invalidConfigVariableSyntax: return "invalid configuration tag"
        case .unrecognisedConfigVariable: return "unknown configuration tag"
        }
    }

    /// Renders the templates of `kind` with `context` (dictionaries, arrays, strings, numbers,
    /// booleans). The subject becomes one line: line breaks and runs of spaces collapse.
    public func render(_ kind: MailKind, context: [String: Any]) -> RenderedMail {
        let subject = entries[MailTemplatePart.subject.fileName(kind)]?.template.render(context) ?? ""
        let text = entries[MailTemplatePart.text.fileName(kind)]?.template.render(context) ?? ""
        let html = entries[MailTemplatePart.html.fileName(kind)]?.template.render(context)
        return RenderedMail(subject: Self.oneLine(subject), text: text, html: html)
    }

    /// The markdown's first line without its markup (`**`, `#`, `>`, backticks), if any.
    static func title(markdown: String) -> String? {
        for line in markdown.split(whereSeparator: \.isNewline) {
            let plain = line.filter { !"*#>`".contains($0) }
            let title = oneLine(String(plain))
            if !title.isEmpty { return title }
        }
        return nil
    }

    /// Renders the robot templates of `kind` in `language` with `context`. The title is the
    /// markdown's first line without markup (else the text's first line).
    public func renderRobot(_ kind: MailKind, language: TemplateLanguage, context: [String: Any]) -> RenderedRobotMessage {
        func render(_ part: MailTemplatePart) -> String {
            let template = entries[part.fileName(kind, language: language)] ?? entries[part.fileName(kind)]
            return template?.template.render(context) ?? ""
        }
        let text = render(.chat)
        let markdown = render(.markdown)
        let title = Self.title(markdown: markdown) ?? text.split(whereSeparator: \.isNewline).first.map { Self.oneLine(String($0)) } ?? ""
        return RenderedRobotMessage(
            title: title, text: Self.trimmingTrailingNewlines(text), markdown: Self.trimmingTrailingNewlines(markdown))
    }

    static func trimmingTrailingNewlines(_ text: String) -> String {
        var result = Substring(text)
        while result.last?.isNewline == true { result = result.dropLast() }
        return String(result)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
