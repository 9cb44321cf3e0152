import XCTest
final class PlaceholderTrickCoreTests: XCTestCase { func testNothing() {} }
