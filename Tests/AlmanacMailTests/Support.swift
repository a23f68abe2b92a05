import AlmanacTestSupport
import Foundation

/// The checkout.
let repositoryRoot = mailTestRepository

/// A fresh directory under the temporary directory.
func temporaryDirectory(_ label: String) throws -> String { try mailTestDirectory(label) }
