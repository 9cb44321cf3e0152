import XCTest
final class PlaceholderTrickLangTests: XCTestCase { func testNothing() {} }
