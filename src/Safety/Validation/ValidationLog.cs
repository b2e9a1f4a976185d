using Microsoft.Extensions.Logging;

namespace Agents.Safety.Validation;

/// <summary>The validation middleware's log events; none carries the answer's text except <see cref="OffendingText"/>, which is written only with sensitive-data logging on.</summary>
internal static partial class ValidationLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Validator {Validator} found {Count} violation(s) ({Codes}); policy {Policy}.")]
    public static partial void Violated(ILogger logger, string validator, int count, string codes, string policy);

    [LoggerMessage(2002, LogLevel.Information, "Repairing the answer: attempt {Attempt} of {MaxAttempts}.")]
    public static partial void Repairing(ILogger logger, int attempt, int maxAttempts);

    [LoggerMessage(2003, LogLevel.Warning, "Answer rejected by {Validators} with {Count} violation(s) after {Attempts} repair attempt(s).")]
    public static partial void Rejected(ILogger logger, string validators, int count, int attempts);

    [LoggerMessage(2004, LogLevel.Information, "Answer replaced by the fallback message because of {Validators}.")]
    public static partial void FellBack(ILogger logger, string validators);

    [LoggerMessage(2005, LogLevel.Information, "Redacted {Count} span(s) of the answer.")]
    public static partial void Redacted(ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Debug, "Offending text for {Validator}/{Code}: {Text}")]
    public static partial void OffendingText(ILogger logger, string validator, string code, string text);

    [LoggerMessage(2007, LogLevel.Warning, "Stream stopped by {Validators} after {ReleasedCharacters} characters were released.")]
    public static partial void StreamStopped(ILogger logger, string validators, int releasedCharacters);
}
