import Foundation
import GantryCore
import Hummingbird
import NIOCore

/// Reading a request one way for every route: path parameters, query values, bodies, and the company scope of
/// a plant, each refused with the problem that names what is wrong.
extension HubAPI {
    /// A path parameter, percent-decoded (`BOLT%2DM8` is `BOLT-M8`), or 400 when its escapes are malformed.
    func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        guard let value = context.parameters.get(name) else { throw HTTPError(.notFound) }
        guard let decoded = value.removingPercentEncoding else {
            throw ProblemDetails(code: "invalid-path", title: "Invalid path", status: 400,
                                 detail: "the path segment \"\(value)\" has a malformed %-escape", field: name)
        }
        return decoded
    }

    /// 403 unless `scope` covers the company of `plant`.
    func requireScope(_ scope: CompanyScope, plant: String) throws {
        guard scope.covers(PlantIdentity.company(of: plant)) else {
            throw ProblemDetails.forbidden("plant \(plant) belongs to a company outside this principal's companies")
        }
    }

    /// An enrolled plant within `scope`: 403 outside it, 404 when no such plant is enrolled.
    func enrolled(_ plantID: String, scope: CompanyScope) async throws -> PlantRecord {
        try requireScope(scope, plant: plantID)
        guard let plant = try await store.plants().first(where: { $0.plantID == plantID }) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no plant \(plantID)")
        }
        return plant
    }

    /// The window of a report request (`from`, `to`), or `400 invalid-query` naming the one at fault; with
    /// `cutAt`, only the part that has passed by then.
    func reportWindow(_ query: Parameters, cutAt now: Date? = nil) throws -> ReportWindow {
        let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init))
        if let now { return try window.elapsed(now: now) }
        return window
    }

    /// A whole-number query value within `range`; nil when absent.
    func integer(_ query: Parameters, _ name: String, range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = query[Substring(name)] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw invalidQuery(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func invalidQuery(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: detail, field: field)
    }

    func invalidBody(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: detail, field: field)
    }

    // MARK: Bodies

    /// The request's body (a gzip body inflated), or 413 past `limit`.
    func body(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        try await request.decodedBody(limit: limit)
    }

    /// The body as JSON: 400 when it is not JSON.
    func jsonBody(_ request: inout Request) async throws -> JSONValue {
        let buffer = try await body(&request, limit: configuration.maxBatchBytes)
        do {
            return try SyncBatchReader.value(Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(code: "malformed-body", title: "Malformed request body", status: 400, detail: error.detail)
        }
    }

    /// The body as UTF-8 text (a CSV file): 422 when it is not.
    func textBody(_ request: inout Request) async throws -> String {
        let buffer = try await body(&request, limit: configuration.maxBatchBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw invalidBody("body", "the file is not UTF-8 text")
        }
        return text
    }

    /// The body read strictly as `T` (`StrictJSON`), at most 1 MiB; nil for an empty body when `emptyAllowed`.
    func decode<T: Decodable>(_ type: T.Type, _ request: inout Request, emptyAllowed: Bool) async throws -> T? {
        let buffer = try await body(&request, limit: 1 << 20)
        if buffer.readableBytes == 0 && emptyAllowed { return nil }
        do {
            return try StrictJSON.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(refused: error)
        }
    }

    /// The body read strictly as `T`, at most 1 MiB.
    func decode<T: Decodable>(_ type: T.Type, _ request: inout Request) async throws -> T {
        try await decode(type, &request, emptyAllowed: false)!
    }

    /// A JSON value read strictly as `T`: 422 naming the field at fault.
    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        do {
            return try StrictJSON.decode(T.self, from: value)
        } catch {
            throw ProblemDetails(refused: error)
        }
    }
}
