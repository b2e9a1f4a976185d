using Microsoft.Extensions.Logging;

namespace Agents.Evaluation;

internal static partial class EvalRunnerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Evaluation run: {Pending} calls to make, {Resumed} results resumed from {Path}.")]
    public static partial void RunStarting(ILogger logger, int pending, int resumed, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Candidate {Candidate} failed on item {ItemId} (variant {Variant}): {ErrorType}.")]
    public static partial void CallFailed(ILogger logger, string candidate, string itemId, string variant, string errorType);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The judge gave no valid verdict for candidate {Candidate} on item {ItemId}.")]
    public static partial void JudgeFailed(ILogger logger, string candidate, string itemId);
}
