// Tests may use Foundation (the product does not, for start-up time).
@_exported import Foundation
