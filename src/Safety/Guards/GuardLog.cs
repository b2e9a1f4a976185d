using Microsoft.Extensions.Logging;

namespace Agents.Safety.Guards;

/// <summary>The input guards' log events; only <see cref="InspectedText"/> carries text, and only with sensitive-data logging on.</summary>
internal static partial class GuardLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Input guard {Action} {Source} text: injection score {Score}, findings {Findings}.")]
    public static partial void Decided(ILogger logger, string action, string source, double score, string findings);

    [LoggerMessage(2102, LogLevel.Warning, "Input guard blocked the request: {Reason}.")]
    public static partial void Blocked(ILogger logger, string reason);

    [LoggerMessage(2103, LogLevel.Debug, "Input guard removed {Count} invisible characters from {Source} text.")]
    public static partial void Sanitized(ILogger logger, int count, string source);

    [LoggerMessage(2104, LogLevel.Debug, "Inspected {Source} text: {Text}")]
    public static partial void InspectedText(ILogger logger, string source, string text);
}
