// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Gantry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gantry-agent", targets: ["gantry-agent"]),
        .executable(name: "gantry-hub", targets: ["gantry-hub"]),
        .library(name: "GantryCore", targets: ["GantryCore"]),
        .library(name: "GantryAgent", targets: ["GantryAgent"]),
        .library(name: "GantryHub", targets: ["GantryHub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure domain: events, sync protocol, configuration parsing. No I/O.
        .target(name: "GantryCore", path: "Core", exclude: ["Web", "Pages", "CZlib"], swiftSettings: strict),
        // What the agent's and the hub's HTTP APIs share: JSON and problem answers, strict bodies, path
        // parameters. No I/O and no server of its own; GantryCore stays free of Hummingbird.
        .target(
            name: "GantryWeb",
            dependencies: [
                "GantryCore", "CZlib",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Core/Web", swiftSettings: strict),
        // The web pages both binaries serve: Mustache templates compiled into the binary, SVG charts and
        // number formatting. Renders values it is given; reads no file and no store.
        .target(
            name: "GantryPages",
            dependencies: ["GantryCore", .product(name: "Mustache", package: "swift-mustache")],
            path: "Core/Pages", swiftSettings: strict),

        // C libraries, one small target each.
        // zlib, for gzip request bodies between agent and hub (GantryWeb compresses and inflates in memory).
        .systemLibrary(
            name: "CZlib", path: "Core/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Agent/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CMosquitto", path: "Agent/CMosquitto", pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]),
        // The system SQLite, for the MQTT inbox's own connection (GRDB links the same library).
        .systemLibrary(
            name: "CSQLite3", path: "Agent/CSQLite3", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),

        // The Sparkplug B payload, generated once from its .proto by provisioning/regenerate-sparkplug.sh.
        .target(
            name: "GantrySparkplugB",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Agent/SparkplugB", exclude: ["sparkplug_b.proto"]),

        .target(
            name: "GantryAgent",
            dependencies: [
                "GantryCore", "GantryWeb", "GantryPages", "CCurl", "CMosquitto", "CSQLite3", "GantrySparkplugB",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Agent/GantryAgent", swiftSettings: strict),
        .executableTarget(
            name: "gantry-agent",
            dependencies: ["GantryAgent", "GantryCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Agent/gantry-agent", swiftSettings: strict),

        .target(
            name: "GantryHub",
            dependencies: [
                "GantryCore", "GantryWeb", "GantryPages",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Only for ConnectionPoolError, which the pool throws as is (no connection can be made).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Hub/GantryHub", swiftSettings: strict),
        .executableTarget(
            name: "gantry-hub",
            dependencies: [
                "GantryCore", "GantryHub", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Hub/gantry-hub", swiftSettings: strict),

        // What several test targets share: temp dirs, free ports, a throwaway PostgreSQL cluster.
        .target(name: "GantryTestSupport", dependencies: ["GantryCore"], path: "Tests/Support"),
        .testTarget(name: "GantryCoreTests", dependencies: ["GantryCore", "GantryPages", "GantryTestSupport"], path: "Tests/GantryCoreTests"),
        .testTarget(
            name: "GantryAgentTests",
            dependencies: [
                "GantryAgent", "GantrySparkplugB", "GantryTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/GantryAgentTests"),
        .testTarget(
            name: "GantryHubTests",
            dependencies: ["GantryHub", "GantryTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/GantryHubTests"),
        // Whole processes: hub and agents started from the built executables on free ports.
        .testTarget(
            name: "GantrySystemTests",
            dependencies: [
                "GantryAgent", "GantryHub", "GantryTestSupport", "gantry-agent", "gantry-hub",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/GantrySystemTests"),
    ],
    swiftLanguageModes: [.v6]
)
