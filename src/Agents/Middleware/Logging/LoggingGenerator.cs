using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Agents;

/// <summary>
/// Middleware that logs every call: its start (debug), its completion with finish reason, usage and duration
/// (information), failures (error, with the exception) and cancellations (debug).
/// </summary>
/// <remarks>
/// <para>
/// Prompt and completion text are logged only when <see cref="EnableSensitiveData"/> is <see langword="true"/>;
/// otherwise the logs hold counts, ids and timings only.
/// </para>
/// <para>
/// Streams are passed through update by update, never buffered; their completion is logged when the last update
/// has been read, with the usage it carried.
/// </para>
/// </remarks>
public sealed partial class LoggingGenerator : DelegatingGenerator
{
    private const string GenerateOperation = "GenerateAsync";
    private const string StreamOperation = "StreamAsync";

    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to.</param>
    /// <param name="logger">Where the log entries go.</param>
    /// <param name="timeProvider">Measures durations; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="logger"/> is <see langword="null"/>.</exception>
    public LoggingGenerator(IGenerator innerGenerator, ILogger logger, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets or sets whether prompt and completion text are logged.</summary>
    /// <value><see langword="false"/> by default: prompts and completions may hold personal or secret data.</value>
    public bool EnableSensitiveData { get; set; }

    /// <inheritdoc/>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_logger.IsEnabled(LogLevel.Error))
        {
            // Error is the highest level written here: when even that is off, nothing would ever be logged.
            return await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        LogStart(GenerateOperation, request);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            LogCompletion(GenerateOperation, started, result.FinishReason, result.Usage, result.ModelId);
            if (EnableSensitiveData && _logger.IsEnabled(LogLevel.Debug))
            {
                LogCompletionText(GenerateOperation, result.Text, FormatToolCalls(result.Message.ToolCalls));
            }

            return result;
        }
        catch (Exception ex)
        {
            LogEnd(GenerateOperation, started, ex, ObservedStream.IsCancellation(ex, cancellationToken));
            throw;
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _logger.IsEnabled(LogLevel.Error)
            ? StreamCoreAsync(request, cancellationToken)
            : InnerGenerator.StreamAsync(request, cancellationToken);
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LogStart(StreamOperation, request);
        var observer = new StreamLogObserver(this, _timeProvider.GetTimestamp(), EnableSensitiveData && _logger.IsEnabled(LogLevel.Debug));
        await foreach (var update in ObservedStream.ObserveAsync(ct => InnerGenerator.StreamAsync(request, ct), observer, cancellationToken)
            .ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private void LogStart(string operation, GenerationRequest request)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        LogInvoked(operation, request.Messages.Count, request.Options?.ModelId);
        if (EnableSensitiveData)
        {
            LogPrompt(operation, GenAiMessageFormatter.FormatInput(request.Messages));
        }
    }

    private void LogCompletion(string operation, long started, FinishReason? finishReason, Usage? usage, string? modelId)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogCompleted(
                operation,
                _timeProvider.GetElapsedTime(started).TotalMilliseconds,
                finishReason is { } reason ? GenAiNames.ToWireName(reason) : "none",
                usage?.PromptTokens,
                usage?.CompletionTokens,
                usage?.CachedPromptTokens,
                modelId);
        }
    }

    private void LogEnd(string operation, long started, Exception exception, bool cancelled)
    {
        var elapsed = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (cancelled)
        {
            LogCancelled(operation, elapsed);
        }
        else
        {
            LogFailed(operation, elapsed, exception);
        }
    }

    private static string FormatToolCalls(IReadOnlyList<ToolCall> toolCalls) =>
        toolCalls.Count == 0 ? "none" : string.Join(", ", toolCalls.Select(c => $"{c.Name}({c.ArgumentsJson})"));

    [LoggerMessage(1, LogLevel.Debug, "{Operation} invoked with {MessageCount} messages, model {ModelId}.")]
    private partial void LogInvoked(string operation, int messageCount, string? modelId);

    [LoggerMessage(2, LogLevel.Debug, "{Operation} prompt: {Prompt}")]
    private partial void LogPrompt(string operation, string prompt);

    [LoggerMessage(3, LogLevel.Information,
        "{Operation} completed in {DurationMs} ms: finish reason {FinishReason}, prompt tokens {PromptTokens}, completion tokens {CompletionTokens}, cached prompt tokens {CachedPromptTokens}, model {ModelId}.")]
    private partial void LogCompleted(
        string operation, double durationMs, string finishReason, int? promptTokens, int? completionTokens, int? cachedPromptTokens, string? modelId);

    [LoggerMessage(4, LogLevel.Debug, "{Operation} completion: {Completion} (tool calls: {ToolCalls})")]
    private partial void LogCompletionText(string operation, string completion, string toolCalls);

    [LoggerMessage(5, LogLevel.Error, "{Operation} failed after {DurationMs} ms.")]
    private partial void LogFailed(string operation, double durationMs, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "{Operation} cancelled after {DurationMs} ms.")]
    private partial void LogCancelled(string operation, double durationMs);

    [LoggerMessage(7, LogLevel.Debug, "{Operation} abandoned by the caller after {DurationMs} ms and {UpdateCount} updates.")]
    private partial void LogAbandoned(string operation, double durationMs, int updateCount);

    /// <summary>Collects what a stream's completion log needs; one per call, so no shared state.</summary>
    private sealed class StreamLogObserver(LoggingGenerator owner, long started, bool captureText) : IGenerationObserver
    {
        private readonly StringBuilder? _text = captureText ? new StringBuilder() : null;
        private List<ToolCall>? _toolCalls;
        private FinishReason? _finishReason;
        private Usage? _usage;
        private string? _modelId;
        private int _updateCount;

        public void OnUpdate(GenerationUpdate update)
        {
            _updateCount++;
            _finishReason = update.FinishReason ?? _finishReason;
            _usage = update.Usage ?? _usage;
            _modelId = update.ModelId ?? _modelId;
            if (_text is not null)
            {
                _text.Append(update.Text);
                if (update.ToolCalls.Count > 0)
                {
                    (_toolCalls ??= []).AddRange(update.ToolCalls);
                }
            }
        }

        public void OnCompleted()
        {
            owner.LogCompletion(StreamOperation, started, _finishReason, _usage, _modelId);
            if (_text is not null)
            {
                owner.LogCompletionText(StreamOperation, _text.ToString(), FormatToolCalls(_toolCalls ?? []));
            }
        }

        public void OnFailed(Exception exception, bool cancelled) => owner.LogEnd(StreamOperation, started, exception, cancelled);

        public void OnAbandoned() =>
            owner.LogAbandoned(StreamOperation, owner._timeProvider.GetElapsedTime(started).TotalMilliseconds, _updateCount);
    }
}
