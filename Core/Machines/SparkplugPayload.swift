/// A Sparkplug B payload as the agent decoded it from protobuf (specification 3.0, chapter 6): what the
/// session rules and the mapping need, nothing of the wire format. Times are milliseconds since the Unix epoch.
public struct SparkplugPayload: Sendable, Equatable {
    /// When the message was sent.
    public var timestamp: UInt64?
    /// 0-255 per edge node; absent only in NDEATH.
    public var seq: UInt64?
    public var metrics: [SparkplugMetric]

    public init(timestamp: UInt64? = nil, seq: UInt64? = nil, metrics: [SparkplugMetric] = []) {
        self.timestamp = timestamp
        self.seq = seq
        self.metrics = metrics
    }

    /// The `bdSeq` metric of an NBIRTH or NDEATH (3.0, 6.4.20): a number that pairs a birth with its death.
    public var bdSeq: UInt64? {
        guard let metric = metrics.first(where: { $0.name == "bdSeq" }) else { return nil }
        switch metric.value {
        case .int(let value): return UInt64(value)
        case .long(let value): return value
        default: return nil
        }
    }

    /// Whether the `Node Control/Rebirth` metric is set: the payload of a rebirth request.
    public var requestsRebirth: Bool {
        metrics.contains { $0.name == SparkplugMetric.rebirth && $0.value == .boolean(true) }
    }
}

/// One metric of a payload.
public struct SparkplugMetric: Sendable, Equatable {
    /// The metric of a rebirth request (3.0, 6.4.19: NCMD with `Node Control/Rebirth` true).
    public static let rebirth = "Node Control/Rebirth"

    /// Given in births (with the alias, if any); in data only when no alias is used.
    public var name: String?
    public var alias: UInt64?
    /// When the value was taken; the payload's timestamp when absent.
    public var timestamp: UInt64?
    /// A `SparkplugDataType` number; required in births.
    public var datatype: UInt32?
    public var isHistorical: Bool
    public var isTransient: Bool
    public var isNull: Bool
    public var value: SparkplugValue?

    public init(
        name: String? = nil, alias: UInt64? = nil, timestamp: UInt64? = nil, datatype: UInt32? = nil,
        isHistorical: Bool = false, isTransient: Bool = false, isNull: Bool = false, value: SparkplugValue? = nil
    ) {
        self.name = name
        self.alias = alias
        self.timestamp = timestamp
        self.datatype = datatype
        self.isHistorical = isHistorical
        self.isTransient = isTransient
        self.isNull = isNull
        self.value = value
    }
}

/// Which field of the protobuf `value` oneof a metric carries, with its content where a machine fact can
/// use it. Signed integers come as their two's complement in `int` (8-32 bits) or `long` (64 bits).
public enum SparkplugValue: Sendable, Equatable {
    case int(UInt32)
    case long(UInt64)
    case float(Float)
    case double(Double)
    case boolean(Bool)
    case string(String)
    case bytes(count: Int)
    case dataSet
    case template
    case extensionValue

    /// The field's name in the .proto, for reasons.
    public var field: String {
        switch self {
        case .int: "int_value"
        case .long: "long_value"
        case .float: "float_value"
        case .double: "double_value"
        case .boolean: "boolean_value"
        case .string: "string_value"
        case .bytes: "bytes_value"
        case .dataSet: "dataset_value"
        case .template: "template_value"
        case .extensionValue: "extension_value"
        }
    }
}
