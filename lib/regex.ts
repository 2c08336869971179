// Prometheus matches label values with RE2, anchored: a value meant literally must have RE2's
// metacharacters escaped, or a `.` in a job name would match any character.

/** The RE2 pattern that matches exactly `s`. */
export const regexLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
