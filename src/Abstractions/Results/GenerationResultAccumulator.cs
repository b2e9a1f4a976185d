using System.Text;

namespace Agents;

/// <summary>Accumulates streamed updates into a <see cref="GenerationResult"/>; not thread-safe.</summary>
public sealed class GenerationResultAccumulator
{
    private readonly StringBuilder _text = new();
    private readonly List<ToolCall> _toolCalls = [];
    private List<TokenLogProbability>? _logProbabilities;
    private Dictionary<string, object?>? _additional;
    private FinishReason? _finishReason;
    private Usage? _usage;
    private GenerationTimings? _timings;
    private string? _modelId;
    private string? _responseId;
    private IReadOnlyList<BeamResult>? _beams;

    /// <summary>Gets the number of updates added so far.</summary>
    public int UpdateCount { get; private set; }

    /// <summary>Gets the finish reason seen so far, if any.</summary>
    public FinishReason? FinishReason => _finishReason;

    /// <summary>Adds one update.</summary>
    /// <param name="update">The update.</param>
    public void Add(GenerationUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        UpdateCount++;
        _text.Append(update.Text);
        _toolCalls.AddRange(update.ToolCalls);
        if (update.LogProbabilities is { Count: > 0 } lp)
        {
            (_logProbabilities ??= []).AddRange(lp);
        }

        if (update.AdditionalProperties is { } props)
        {
            _additional ??= new(StringComparer.Ordinal);
            foreach (var (key, value) in props)
            {
                _additional[key] = value;
            }
        }

        _finishReason = update.FinishReason ?? _finishReason;
        _usage = update.Usage ?? _usage;
        _timings = update.Timings ?? _timings;
        _modelId = update.ModelId ?? _modelId;
        _responseId = update.ResponseId ?? _responseId;
        _beams = update.Beams ?? _beams;
    }

    /// <summary>Builds the result from everything added so far.</summary>
    /// <returns>The result.</returns>
    public GenerationResult Build() => new(Message.Assistant(_text.ToString()) with { ToolCalls = [.. _toolCalls] })
    {
        FinishReason = _finishReason,
        Usage = _usage,
        Timings = _timings,
        ModelId = _modelId,
        ResponseId = _responseId,
        LogProbabilities = _logProbabilities,
        Beams = _beams,
        AdditionalProperties = _additional,
    };
}
