import Foundation
import GantryCore
import GantrySparkplugB
import SwiftProtobuf

/// The protobuf side of Sparkplug B: payloads decoded into `SparkplugPayload` (GantryCore knows nothing of
/// protobuf) and the payloads the host publishes. The generated types come from Agent/SparkplugB.
enum SparkplugDecoding {
    typealias Wire = Org_Eclipse_Tahu_Protobuf_Payload

    /// Decodes a payload; throws the dead-letter reason when it is not a Sparkplug B protobuf `Payload`.
    static func payload(_ bytes: [UInt8]) throws(MachineSignalError) -> SparkplugPayload {
        let wire: Wire
        do {
            wire = try Wire(serializedBytes: bytes)
        } catch {
            throw MachineSignalError("malformed Sparkplug B payload: not a protobuf Payload (\(error))")
        }
        return SparkplugPayload(
            timestamp: wire.hasTimestamp ? wire.timestamp : nil, seq: wire.hasSeq ? wire.seq : nil,
            metrics: wire.metrics.map(metric))
    }

    private static func metric(_ wire: Wire.Metric) -> SparkplugMetric {
        SparkplugMetric(
            name: wire.hasName ? wire.name : nil, alias: wire.hasAlias ? wire.alias : nil,
            timestamp: wire.hasTimestamp ? wire.timestamp : nil, datatype: wire.hasDatatype ? wire.datatype : nil,
            isHistorical: wire.isHistorical, isTransient: wire.isTransient, isNull: wire.isNull, value: value(wire.value))
    }

    private static func value(_ wire: Wire.Metric.OneOf_Value?) -> SparkplugValue? {
        switch wire {
        case nil: nil
        case .intValue(let value): .int(value)
        case .longValue(let value): .long(value)
        case .floatValue(let value): .float(value)
        case .doubleValue(let value): .double(value)
        case .booleanValue(let value): .boolean(value)
        case .stringValue(let value): .string(value)
        case .bytesValue(let value): .bytes(count: value.count)
        case .datasetValue: .dataSet
        case .templateValue: .template
        case .extensionValue: .extensionValue
        }
    }

    /// An NCMD asking an edge node to publish its births again (3.0: `Node Control/Rebirth` = true).
    static func rebirthRequest(at now: Date) -> [UInt8] {
        var wire = Wire()
        wire.timestamp = milliseconds(now)
        var metric = Wire.Metric()
        metric.name = SparkplugMetric.rebirth
        metric.datatype = SparkplugDataType.boolean.rawValue
        metric.booleanValue = true
        wire.metrics = [metric]
        // Encoding a message built here cannot fail (no required fields, no unset oneof with required parts).
        return (try? wire.serializedBytes()) ?? []
    }

    /// The host application's STATE payload (3.0, JSON): `{"online":…,"timestamp":…}`.
    static func state(online: Bool, timestamp: UInt64) -> [UInt8] {
        Array(#"{"online":\#(online),"timestamp":\#(timestamp)}"#.utf8)
    }

    static func milliseconds(_ date: Date) -> UInt64 {
        UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
    }
}
