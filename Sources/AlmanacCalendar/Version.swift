/// The version of almanac, shared by both executables.
public enum AlmanacVersion {
    public static let current = "0.1.0"
}
