import Testing

@testable import OrgWizOkta

@Suite struct LinkHeaderTests {
  @Test func placeholder() {
    #expect(LinkHeader.next(in: nil) == nil)
  }
}
