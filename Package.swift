// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "almanac",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "almanacd", targets: ["almanacd"]),
        .executable(name: "almanacctl", targets: ["almanacctl"]),
        .library(name: "AlmanacCalendar", targets: ["AlmanacCalendar"]),
        .library(name: "AlmanacPlan", targets: ["AlmanacPlan"]),
        .library(name: "AlmanacScheduler", targets: ["AlmanacScheduler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure core: civil dates, astronomy, the Chinese calendar, festivals, holidays, date rules.
        .target(name: "AlmanacCalendar", swiftSettings: strict),
        // The plan model, YAML loading with positions, validation diagnostics. Plans are read from
        // libyaml's events (the CYaml module Yams builds and links), not from Yams' node trees.
        .target(
            name: "AlmanacPlan",
            dependencies: ["AlmanacCalendar", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // The file edge: plan files, includes and holiday tables found and read one way; the clock.
        .target(name: "AlmanacHost", dependencies: ["AlmanacCalendar", "AlmanacPlan"], swiftSettings: strict),
        .testTarget(name: "AlmanacHostTests", dependencies: ["AlmanacHost", "AlmanacPlan"], swiftSettings: strict),
        // Pure publishing: iCalendar feeds, the HTML status page, Prometheus metrics, ICS import.
        .target(name: "AlmanacFeeds", dependencies: ["AlmanacCalendar", "AlmanacPlan"], swiftSettings: strict),
        .testTarget(name: "AlmanacFeedsTests", dependencies: ["AlmanacFeeds", "AlmanacPlan"], swiftSettings: strict),
        // Drafts a plan from a Chinese work plan or summary: rules and dictionaries, no clock.
        .target(name: "AlmanacDraft", dependencies: ["AlmanacCalendar", "AlmanacPlan"], swiftSettings: strict),
        // The control protocol (newline-delimited JSON), its server and client over a Unix socket.
        .target(
            name: "AlmanacControl",
            dependencies: [
                "AlmanacCalendar", "AlmanacPlan", "AlmanacScheduler",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Pure reminder planning: (occurrences, state, now) -> actions and the next wake-up.
        .target(name: "AlmanacScheduler", dependencies: ["AlmanacCalendar", "AlmanacPlan"], swiftSettings: strict),
        .executableTarget(
            name: "almanacctl",
            dependencies: [
                "AlmanacCalendar", "AlmanacPlan", "AlmanacControl", "AlmanacFeeds", "AlmanacDraft", "AlmanacHost",
                "AlmanacStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // libsystemd's headers (libsystemd-dev), for the types only, and the timerfd, eventfd and
        // malloc.h the daemon uses. libsystemd itself is not linked but opened on first use
        // (AlmanacSystemd/LibSystemd.swift); no pkgConfig, since it would link -lsystemd.
        .systemLibrary(name: "CSystemd"),
        // Libraries opened on first use instead of linked (the loader maps a linked one and all it
        // brings before almanacd's first instruction): the dlopen part shared by libpq, libcurl and
        // libsystemd, and libcurl itself, which mail and robots share.
        .target(name: "AlmanacLibraries", dependencies: ["CCurl"], swiftSettings: strict),
        // sd_notify, socket activation, watchdog, the journald LogHandler.
        .target(
            name: "AlmanacSystemd",
            dependencies: ["CSystemd", "AlmanacLibraries", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // libpq's header (libpq-dev), for the types only: the shared state of several hosts. libpq
        // itself is not linked but opened on first use (AlmanacStore/LibPQ.swift); no pkgConfig,
        // since it would link -lpq (shim.h finds Debian's /usr/include/postgresql by itself).
        .systemLibrary(name: "CPostgres"),
        // SQLite state: deliveries, acknowledgements, snoozes, mail outbox, checklist progress.
        .target(
            name: "AlmanacStore",
            dependencies: ["AlmanacCalendar", "AlmanacLibraries", "CPostgres", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The daemon's wiring: configuration, services, status files.
        .target(
            name: "AlmanacDaemon",
            dependencies: [
                "AlmanacCalendar", "AlmanacPlan", "AlmanacSystemd", "CSystemd", "AlmanacStore", "AlmanacScheduler", "AlmanacControl",
                "AlmanacHost",
                "AlmanacFeeds",
                "AlmanacMail",
                "AlmanacRobots",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // almanacd's first code: notes SIGTERM, SIGINT and SIGHUP until its signal sources are
        // registered. Linked into almanacd alone (a test binary must still stop on SIGTERM).
        .target(name: "CAlmanacdStart"),
        .executableTarget(
            name: "almanacd",
            dependencies: [
                "AlmanacCalendar", "AlmanacPlan", "AlmanacDaemon", "AlmanacHost", "CAlmanacdStart",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlmanacCalendarTests", dependencies: ["AlmanacCalendar"], resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "AlmanacPlanTests", dependencies: ["AlmanacPlan", "AlmanacTestSupport"],
            // Read from the checkout by path (SampleAgendaTests), not as a bundle resource.
            exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "AlmanacDraftTests", dependencies: ["AlmanacDraft", "AlmanacPlan", "AlmanacCalendar"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        // Child processes and blocking helpers shared by the test targets that run real programs.
        .target(name: "AlmanacTestSupport", dependencies: ["AlmanacMail"], path: "Tests/AlmanacTestSupport", swiftSettings: strict),
        .testTarget(
            name: "AlmanacControlTests",
            dependencies: [
                "AlmanacControl", "AlmanacTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(name: "AlmanacctlTests", dependencies: ["almanacctl"], swiftSettings: strict),
        .testTarget(name: "AlmanacSystemdTests", dependencies: ["AlmanacSystemd", "AlmanacLibraries", "CSystemd"], swiftSettings: strict),
        .testTarget(
            name: "AlmanacStoreTests",
            dependencies: ["AlmanacStore", "AlmanacCalendar", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "AlmanacDaemonTests",
            dependencies: ["AlmanacDaemon", "AlmanacSystemd", "AlmanacTestSupport", "AlmanacMail"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        // libcurl's header (libcurl4-openssl-dev), for the types only: libcurl itself is not linked
        // but opened on first use (AlmanacLibraries/LibCurl.swift); no pkgConfig, since it would
        // link -lcurl.
        .systemLibrary(name: "CCurl"),
        // Mail: RFC 5322/MIME messages, templates, the file outbox, sendmail and SMTP transports.
        .target(
            name: "AlmanacMail",
            dependencies: ["AlmanacLibraries", "CCurl", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlmanacMailTests", dependencies: ["AlmanacMail", "AlmanacLibraries", "AlmanacTestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        // Group robots (企业微信, 钉钉, 飞书) and the signed webhook: payloads, signatures, answers,
        // the rate limit and digests, HTTPS through libcurl.
        .target(name: "AlmanacRobots", dependencies: ["AlmanacCalendar", "AlmanacLibraries", "CCurl"], swiftSettings: strict),
        .testTarget(
            name: "AlmanacRobotsTests", dependencies: ["AlmanacRobots", "AlmanacCalendar", "AlmanacLibraries", "AlmanacTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AlmanacSchedulerTests", dependencies: ["AlmanacScheduler", "AlmanacPlan", "AlmanacTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strict),
    ]
)
