import Foundation
import GantryCore
import GantryPages
import Testing

/// Windows chosen by a page's query in the plant's zone, the parts a trend splits them into, and the text of
/// sessions (form fields, where to go after sign-in, secrets compared).
@Suite struct PagesWindowTests {
    let windows = PageWindows(calendar: try! PlantCalendar(timeZone: "Europe/Berlin"))
    /// 2027-01-15T10:00:00Z: 11:00 in Berlin, in the early shift (06–14).
    let now = Date(timeIntervalSince1970: 1_800_007_200)

    @Test func windowsByKindInThePlantsZone() throws {
        #expect(try windows.window(kind: nil, at: nil, now: now).label == "2027-01-15")
        let shift = try windows.window(kind: "shift", at: nil, now: now)
        #expect(shift.label == "2027-01-15 early" && shift.seconds == 8 * 3600)
        #expect(try windows.window(kind: "week", at: "2027-01-15", now: now).label == "2027-W02")
        #expect(try windows.window(kind: "month", at: "2027-01-15T10:00:00.000000Z", now: now).label == "2027-01")
        // No fiscal periods: the month.
        #expect(try windows.window(kind: "fiscal-period", at: nil, now: now).label == "2027-01")
    }

    @Test(arguments: [("fortnight", nil, "window"), ("day", "yesterday", "at")])
    func refusalsNameTheField(kind: String, at: String?, field: String) {
        #expect { try windows.window(kind: kind, at: at, now: now) } throws: { ($0 as? PageWindows.Refusal)?.problem.field == field }
    }

    @Test func trendPartsAreHoursOfADayAndDaysOfAWeek() throws {
        let day = try windows.window(kind: "day", at: "2027-01-15", now: now)
        let hours = windows.parts(of: day)
        #expect(hours.count == 24 && hours.first?.label == "00:00" && hours.last?.label == "23:00")
        #expect(hours.first?.start == day.start && hours.last?.end == day.end)
        let week = try windows.window(kind: "week", at: "2027-01-15", now: now)
        #expect(windows.parts(of: week).map(\.label) == ["01-11", "01-12", "01-13", "01-14", "01-15", "01-16", "01-17"])
    }

    @Test func choicesKeepTheInstantAndMarkTheKind() throws {
        let day = try windows.window(kind: "day", at: "2027-01-15", now: now)
        let choices = windows.choices(path: "/dashboards", window: day)
        #expect(choices.map(\.name) == ["Shift", "Day", "Week", "Month", "Fiscal period"])
        #expect(choices.filter(\.selected).map(\.name) == ["Day"])
        #expect(choices[2].link == "/dashboards?window=week&at=2027-01-14T23:00:00.000000Z")
    }

    @Test func localesOfCountries() {
        #expect(PageWindows.locale(country: "DE").decimalSeparator == ",")
        #expect(PageWindows.locale(country: "us").decimalSeparator == ".")
        #expect(PageWindows.locale(country: nil).identifier == "en_US")
    }

    @Test func formFieldsDecode() {
        #expect(PageSessionText.formFields("token=gut_a%2Bb&next=%2Fdashboards%3Fwindow%3Dday&empty=&x=a+b")
            == ["token": "gut_a+b", "next": "/dashboards?window=day", "empty": "", "x": "a b"])
    }

    @Test(arguments: [
        ("/dashboards", "/dashboards"), ("/dashboards/plants/ACME-01?window=day", "/dashboards/plants/ACME-01?window=day"),
        ("https://evil.example/dashboards", nil), ("//evil.example/dashboards", nil), ("/dashboards//evil", nil),
        ("/dashboardsx", nil), ("/v1/kpis", nil), ("/dashboards/\\evil", nil),
    ] as [(String, String?)])
    func nextPageStaysOnTheDashboards(text: String, expected: String?) {
        #expect(PageSessionText.nextPage(text, root: "/dashboards") == expected)
    }

    @Test func cookiesAndSecrets() {
        #expect(PageSessionText.setCookie("abc", secure: false) == "gantry_session=abc; Path=/; HttpOnly; SameSite=Strict")
        #expect(PageSessionText.setCookie("abc", secure: true).hasSuffix("; Secure"))
        #expect(PageSessionText.newID().count == 43 && PageSessionText.newID() != PageSessionText.newID())
        #expect(PageSessionText.constantTimeEqual("abc", "abc") && !PageSessionText.constantTimeEqual("abc", "abd")
            && !PageSessionText.constantTimeEqual("abc", "ab"))
    }
}
