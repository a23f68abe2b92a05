// swift-tools-version:6.1
// The almanac benchmark suite: a package of its own, so that ordo-one/benchmark stays out of
// the main build. Run it with scripts/bench.sh (or `swift package benchmark` in this folder).
// Each suite is an executable target under Benchmarks/<Suite>/, using the BenchmarkPlugin.
import PackageDescription

let package = Package(
    name: "almanac-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "almanac", path: ".."),
    ],
    targets: [
        // Civil-date arithmetic of AlmanacCalendar beside the same work done with Foundation.
        .executableTarget(
            name: "CalendarBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AlmanacCalendar", package: "almanac"),
            ],
            path: "Benchmarks/CalendarBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The Chinese calendar: Gregorian to lunar beside Foundation's .chinese, and solar terms.
        .executableTarget(
            name: "LunarBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AlmanacCalendar", package: "almanac"),
            ],
            path: "Benchmarks/LunarBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Date rules: parse and expand 10,000 mixed rules over a year with the shipped holiday tables.
        .executableTarget(
            name: "RulesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AlmanacCalendar", package: "almanac"),
            ],
            path: "Benchmarks/RulesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Checklists: import a 10,000-indicator CSV (UTF-8 and GB18030), the progress view, a reminder decision.
        .executableTarget(
            name: "ChecklistBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AlmanacPlan", package: "almanac"),
                .product(name: "AlmanacScheduler", package: "almanac"),
                .product(name: "AlmanacCalendar", package: "almanac"),
            ],
            path: "Benchmarks/ChecklistBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
