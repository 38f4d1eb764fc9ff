import GantryCore
import Hummingbird

/// Every route of the hub's API and what its caller must be. The router is built from this table, and the
/// access tests walk it, so a route cannot be added without saying who may use it.
public enum HubEndpoint: String, Sendable, CaseIterable {
    case health, metrics
    case syncBatches, plantMasters, plantInstructions
    case syncReport, machineTimeReport, eventFeed, stockReport, lotTrace
    case masterList, masterVersions, masterRead, masterWrite, masterChangeSet, masterImport, masterExport
    case auditTrail, auditVerify
    case principalList, principalAdd, principalRevoke, principalRotate, plantEnrol
    case demandSend, demandList, approvalList, approvalDecide
    case supplierReport
    case customerOrderSend, customerOrderList, transferSend, transferList, discrepancySettle, inTransitReport
    case serviceLevelReport, shipmentTrace, recall
    case ledgerEntries, ledgerEntriesCSV, trialBalance, trialBalanceCSV, heldPostings, heldRetry, periodList, periodClose
    case invoiceSubmit, invoiceImport, invoiceList, invoiceRead, invoiceRelease, grniAgeing, grniAgeingCSV, openInvoices, openInvoicesCSV
    case balanceSheet, balanceSheetCSV, incomeStatement, incomeStatementCSV, inventoryReconciliation, inventoryReconciliationCSV
    case margin, marginCSV, workingCapital, workingCapitalCSV
    case ledgerExportBeancount, ledgerExportCSV
    case groupConsolidation, groupConsolidationCSV, groupConsolidationSources
    case kpiReport, kpiReportCSV, kpiDowntime, kpiOperations

    /// What a route asks of its caller.
    public enum Access: Sendable, Equatable {
        /// Anyone (health checks).
        case open
        /// A plant's own token.
        case plant(Permission)
        /// A principal whose role has the permission.
        case principal(Permission)
        /// A principal whose role may change the masters named in the request (by the path's kind, or per
        /// record for change sets).
        case masterWriter
    }

    public var method: HTTPRequest.Method {
        switch self {
        case .syncBatches, .masterChangeSet, .masterImport, .principalAdd, .principalRevoke, .principalRotate, .plantEnrol, .demandSend,
             .approvalDecide, .customerOrderSend, .transferSend, .discrepancySettle, .heldRetry, .periodClose,
             .invoiceSubmit, .invoiceImport, .invoiceRelease: .post
        case .masterWrite: .put
        default: .get
        }
    }

    /// The path pattern (`:name` is a parameter).
    public var path: String {
        switch self {
        case .health: "/healthz"
        case .metrics: "/metrics"
        case .syncBatches: "/v1/sync/batches"
        case .plantMasters: "/v1/plants/:plant/masters"
        case .plantInstructions: "/v1/plants/:plant/instructions"
        case .syncReport: "/v1/reports/sync"
        case .machineTimeReport: "/v1/reports/machine-time"
        case .eventFeed: "/v1/events"
        case .stockReport: "/v1/reports/stock"
        case .lotTrace: "/v1/lots/trace"
        case .masterList: "/v1/masters"
        case .masterVersions: "/v1/master-versions"
        case .masterRead, .masterWrite: "/v1/masters/:kind/:key"
        case .masterChangeSet: "/v1/masters"
        case .masterImport: "/v1/imports/:kind"
        case .masterExport: "/v1/exports/:kind"
        case .auditTrail: "/v1/audit"
        case .auditVerify: "/v1/audit/verify"
        case .principalList, .principalAdd: "/v1/principals"
        case .principalRevoke: "/v1/principals/:name/revoke"
        case .principalRotate: "/v1/principals/:name/rotate"
        case .plantEnrol: "/v1/plants"
        case .demandSend, .demandList: "/v1/plants/:plant/demand"
        case .approvalList: "/v1/approvals"
        case .approvalDecide: "/v1/approvals/:plant/:approval/decision"
        case .supplierReport: "/v1/reports/suppliers"
        case .customerOrderSend, .customerOrderList: "/v1/customer-orders"
        case .transferSend, .transferList: "/v1/transfers"
        case .discrepancySettle: "/v1/transfers/:transfer/discrepancies/:number/settle"
        case .inTransitReport: "/v1/reports/in-transit"
        case .serviceLevelReport: "/v1/reports/service-level"
        case .shipmentTrace: "/v1/shipments/:plant/:shipment/trace"
        case .recall: "/v1/recalls"
        case .ledgerEntries: "/v1/ledger/entries"
        case .ledgerEntriesCSV: "/v1/ledger/entries.csv"
        case .trialBalance: "/v1/ledger/trial-balance"
        case .trialBalanceCSV: "/v1/ledger/trial-balance.csv"
        case .heldPostings: "/v1/ledger/held"
        case .heldRetry: "/v1/ledger/held/retry"
        case .periodList: "/v1/ledger/periods"
        case .periodClose: "/v1/ledger/periods/:company/:period/close"
        case .invoiceSubmit, .invoiceList: "/v1/invoices"
        case .invoiceImport: "/v1/invoices/import"
        case .invoiceRead: "/v1/invoices/:company/:supplier/:number"
        case .invoiceRelease: "/v1/invoices/:company/:supplier/:number/release"
        case .grniAgeing: "/v1/ledger/grni-ageing"
        case .grniAgeingCSV: "/v1/ledger/grni-ageing.csv"
        case .openInvoices: "/v1/ledger/open-invoices"
        case .openInvoicesCSV: "/v1/ledger/open-invoices.csv"
        case .balanceSheet: "/v1/ledger/balance-sheet"
        case .balanceSheetCSV: "/v1/ledger/balance-sheet.csv"
        case .incomeStatement: "/v1/ledger/income-statement"
        case .incomeStatementCSV: "/v1/ledger/income-statement.csv"
        case .inventoryReconciliation: "/v1/ledger/reconciliation"
        case .inventoryReconciliationCSV: "/v1/ledger/reconciliation.csv"
        case .margin: "/v1/ledger/margin"
        case .marginCSV: "/v1/ledger/margin.csv"
        case .workingCapital: "/v1/ledger/working-capital"
        case .workingCapitalCSV: "/v1/ledger/working-capital.csv"
        case .ledgerExportBeancount: "/v1/ledger/export.beancount"
        case .ledgerExportCSV: "/v1/ledger/export.csv"
        case .groupConsolidation: "/v1/groups/:group/consolidation"
        case .groupConsolidationCSV: "/v1/groups/:group/consolidation.csv"
        case .groupConsolidationSources: "/v1/groups/:group/consolidation/sources"
        case .kpiReport: "/v1/kpis"
        case .kpiReportCSV: "/v1/kpis.csv"
        case .kpiDowntime: "/v1/kpis/downtime"
        case .kpiOperations: "/v1/kpis/operations"
        }
    }

    public var access: Access {
        switch self {
        case .health: .open
        case .metrics: .principal(.readMetrics)
        case .syncBatches: .plant(.syncEvents)
        case .plantMasters: .plant(.pullMasters)
        case .plantInstructions: .plant(.pullInstructions)
        case .demandSend: .principal(.sendDemand)
        case .demandList: .principal(.readOperations)
        case .approvalList, .approvalDecide: .principal(.decideApprovals)
        case .syncReport, .machineTimeReport, .stockReport, .lotTrace: .principal(.readOperations)
        case .kpiReport, .kpiReportCSV, .kpiDowntime, .kpiOperations: .principal(.readOperations)
        case .supplierReport: .principal(.readOperations)
        case .customerOrderSend, .transferSend: .principal(.sendDemand)
        case .customerOrderList, .transferList, .inTransitReport, .serviceLevelReport, .shipmentTrace, .recall: .principal(.readOperations)
        case .discrepancySettle: .principal(.settleDiscrepancies)
        case .eventFeed: .principal(.readEvents)
        case .ledgerEntries, .ledgerEntriesCSV, .trialBalance, .trialBalanceCSV, .heldPostings, .periodList: .principal(.readLedger)
        case .groupConsolidation, .groupConsolidationCSV, .groupConsolidationSources: .principal(.readLedger)
        case .heldRetry: .principal(.postLedger)
        case .balanceSheet, .balanceSheetCSV, .incomeStatement, .incomeStatementCSV, .inventoryReconciliation, .inventoryReconciliationCSV,
             .margin, .marginCSV, .workingCapital, .workingCapitalCSV, .ledgerExportBeancount, .ledgerExportCSV: .principal(.readLedger)
        case .periodClose: .principal(.closePeriods)
        case .invoiceSubmit, .invoiceImport: .principal(.writeInvoices)
        case .invoiceRelease: .principal(.releaseInvoices)
        case .invoiceList, .invoiceRead, .grniAgeing, .grniAgeingCSV, .openInvoices, .openInvoicesCSV: .principal(.readLedger)
        case .masterList, .masterRead, .masterExport: .principal(.readMasters)
        case .masterVersions: .principal(.readMasterHistory)
        case .masterWrite, .masterChangeSet, .masterImport: .masterWriter
        case .auditTrail, .auditVerify: .principal(.readAudit)
        case .principalList, .principalAdd, .principalRevoke, .principalRotate, .plantEnrol: .principal(.manageAccess)
        }
    }
}

/// Who sent a request.
enum Caller: Sendable {
    case anonymous
    case plant(PlantRecord)
    case principal(PrincipalRecord)
}
