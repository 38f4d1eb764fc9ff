import Foundation
import GantryCore
import Hummingbird

/// Supplier invoices over HTTP (docs/http-api.md, "Supplier invoices"): entered as JSON or a CSV file, read, released,
/// and the GRNI ageing and open invoices, each of one company the principal may see (another company's invoices
/// are not found, as if they did not exist).
extension HubAPI {
    func respondInvoices(to endpoint: HubEndpoint, _ request: inout Request, query: Parameters, context: BasicRequestContext,
                         caller: Caller) async throws -> Response {
        let actor = try caller.actor()
        switch endpoint {
        case .invoiceSubmit:
            let body = try decode(SupplierInvoiceRequest.self, from: try await jsonBody(&request))
            let submitted = try await submitInvoice(body, actor: actor)
            return try jsonResponse(submitted.invoice, status: submitted.created ? .created : .ok)
        case .invoiceImport:
            return try jsonResponse(try await importInvoices(try await textBody(&request), actor: actor))
        case .invoiceList:
            return try jsonResponse(try await invoiceList(query, scope: actor.companies))
        case .invoiceRead:
            return try jsonResponse(try await invoiceRead(
                company: try parameter("company", context), supplier: try parameter("supplier", context),
                number: try parameter("number", context), scope: actor.companies))
        case .invoiceRelease:
            return try jsonResponse(try await invoiceRelease(
                company: try parameter("company", context), supplier: try parameter("supplier", context),
                number: try parameter("number", context), actor: actor))
        case .grniAgeing:
            return try jsonResponse(try await grniAgeing(query, scope: actor.companies))
        case .grniAgeingCSV:
            return textResponse(try await grniAgeing(query, scope: actor.companies).csv(), contentType: "text/csv; charset=utf-8")
        case .openInvoices:
            return try jsonResponse(try await openInvoices(query, scope: actor.companies))
        default:
            return textResponse(try await openInvoices(query, scope: actor.companies).csv(), contentType: "text/csv; charset=utf-8")
        }
    }

    /// `POST /v1/invoices`: 201 stored (posted or held), 200 the same invoice stored before, 409 another under its number.
    func submitInvoice(_ body: SupplierInvoiceRequest, actor: Actor) async throws -> InvoiceSubmission {
        do throws(InvoiceFlow.FieldProblem) { _ = try InvoiceFlow.draft(body) } catch { throw error.problem }
        try invoiceCompany(body.company, scope: actor.companies)
        return try await store.submitInvoices([body], enteredBy: actor.name, at: now())[0]
    }

    /// `POST /v1/invoices/import`: a CSV file, every invoice in one transaction; any bad row stores nothing.
    func importInvoices(_ csv: String, actor: Actor) async throws -> InvoiceImportOutcome {
        let requests = try InvoiceCSV.read(csv)
        for request in requests { try invoiceCompany(request.company, scope: actor.companies) }
        return InvoiceImportOutcome(invoices: try await store.submitInvoices(requests, enteredBy: actor.name, at: now()))
    }

    /// `GET /v1/invoices?company=&status=held|posted`.
    func invoiceList(_ query: Parameters, scope: CompanyScope) async throws -> [SupplierInvoiceRecord] {
        let company = try queriedCompany(query, scope: scope)
        let status = query["status"].map(String.init)
        if let status, status != InvoiceFlow.held, status != InvoiceFlow.posted {
            throw invalidQuery("status", "status is held or posted, got \"\(status)\"")
        }
        return try await store.supplierInvoices(company: company, status: status)
    }

    /// `GET /v1/invoices/{company}/{supplier}/{number}`.
    func invoiceRead(company: String, supplier: String, number: String, scope: CompanyScope) async throws -> SupplierInvoiceRecord {
        guard scope.covers(company), let invoice = try await store.supplierInvoice(company: company, supplier: supplier, number: number) else {
            throw InvoiceFlow.notFound(company, supplier, number)
        }
        return invoice
    }

    /// `POST /v1/invoices/{company}/{supplier}/{number}/release`: audited; 403 for whoever entered it.
    func invoiceRelease(company: String, supplier: String, number: String, actor: Actor) async throws -> SupplierInvoiceRecord {
        guard actor.companies.mayChange(company) else { throw InvoiceFlow.notFound(company, supplier, number) }
        let audit = AuditDraft(actor: actor.name, action: "invoice.released", subject: "invoice \(company)/\(supplier)/\(number)",
                               company: company, before: InvoiceFlow.held, after: InvoiceFlow.posted)
        return try await store.releaseInvoice(company: company, supplier: supplier, number: number, at: now(), audit: audit)
    }

    /// `GET /v1/ledger/grni-ageing?company=&at=DATE` (and `.csv`).
    func grniAgeing(_ query: Parameters, scope: CompanyScope) async throws -> GRNIAgeingReport {
        let company = try queriedCompany(query, scope: scope)
        guard let at = query["at"].map(String.init) else { throw invalidQuery("at", "at is required: a date YYYY-MM-DD") }
        guard DemandInstruction.day(at) != nil else { throw invalidQuery("at", "at is a date YYYY-MM-DD, got \"\(at)\"") }
        return try await store.grniAgeing(company: company, at: at)
    }

    /// `GET /v1/ledger/open-invoices?company=` (and `.csv`).
    func openInvoices(_ query: Parameters, scope: CompanyScope) async throws -> OpenInvoicesReport {
        let company = try queriedCompany(query, scope: scope)
        return InvoiceReports.openInvoices(company: company, posted: try await store.supplierInvoices(company: company, status: InvoiceFlow.posted))
    }

    /// An invoice's company, which the principal must be able to change: else not found.
    private func invoiceCompany(_ company: String, scope: CompanyScope) throws {
        guard scope.mayChange(company) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no company \(company)")
        }
    }

    private func queriedCompany(_ query: Parameters, scope: CompanyScope) throws -> String {
        guard let text = query["company"].map(String.init) else { throw invalidQuery("company", "company is required") }
        guard let code = try? PlantIdentity(company: text, code: "0").company, code == text else {
            throw invalidQuery("company", "company is a company code of 1 to 16 letters or digits, got \"\(text)\"")
        }
        guard scope.covers(code) else { throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no company \(code)") }
        return code
    }
}
