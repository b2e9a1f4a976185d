using System.Text;
using Agents.Backends.Llama.Generation;
using Agents.Backends.Llama.Grammar;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>A greedy or sampled generation: one sequence, one token per decode step, text streamed as it is decoded.</summary>
internal sealed class SingleSequenceJob : SequenceJob, IDisposable
{
    private readonly TokenSelector _selector;
    private readonly StreamingTokenDecoder _decoder;
    private readonly StopSequenceMatcher _stops;
    private readonly SafeLlamaModelHandle.Vocabulary _vocab;
    private readonly List<int> _decoded = [];
    private readonly ToolCallCollector? _toolCalls;
    private List<TokenLogProbability>? _pendingLogProbabilities;
    private LLamaToken _nextToken;
    private int _logitIndex = -1;
    private int _generated;

    public SingleSequenceJob(JobSettings settings)
        : base(settings)
    {
        _vocab = settings.Weights.Vocab;
        _selector = TokenSelector.Create(
            settings.Options, settings.Weights, settings.Prompt, settings.Grammar is { } plan ? new GrammarConstraint(plan.Grammar, settings.Weights) : null);
        _toolCalls = settings.Grammar is { ParsesToolCalls: true } ? new ToolCallCollector() : null;
        _decoder = new StreamingTokenDecoder(Encoding.UTF8, settings.Weights);
        _stops = new StopSequenceMatcher(settings.StopSequences);
    }

    public override int SequenceCount => 1;

    public override int ReservedCells => checked(Prompt.Length + Settings.MaxCompletionTokens);

    public override int[]? ResidentTokens => Succeeded ? [.. Kv.Prompt, .. _decoded] : null;

    public override void AddDecode(LLamaBatch batch) =>
        _logitIndex = batch.Add(_nextToken, Prompt.Length + _generated - 1, Sequences[0], true);

    public void Dispose() => _selector.Dispose();

    protected override void OnPromptEvaluated(LLamaContext context, int logitIndex) => Select(context, logitIndex);

    protected override void OnDecoded(LLamaContext context)
    {
        // The token fed at this step is now in the KV cache, after the prompt and the tokens fed before it.
        _decoded.Add((int)_nextToken);
        Select(context, _logitIndex);
    }

    private void Select(LLamaContext context, int logitIndex)
    {
        var token = _selector.Select(context.NativeHandle, logitIndex);
        MarkFirstToken();
        if (token.IsEndOfGeneration(_vocab))
        {
            End(FinishReason.Stop);
            return;
        }

        _generated++;
        if (Settings.IncludeLogProbabilities)
        {
            var logits = context.NativeHandle.GetLogitsIth(logitIndex);
            var logProbability = logits[(int)token] - Logits.LogSumExp(logits);
            (_pendingLogProbabilities ??= []).Add(new TokenLogProbability(Settings.Tokenizer.Piece(token), logProbability, (int)token));
        }

        _decoder.Add(token);
        var text = _stops.Append(_decoder.Read(), out var stopped);
        if (text.Length > 0 || _pendingLogProbabilities is not null)
        {
            EmitText(text);
        }

        if (stopped)
        {
            End(FinishReason.StopSequence);
        }
        else if (_generated >= Settings.MaxCompletionTokens)
        {
            End(FinishReason.Length);
        }
        else
        {
            _nextToken = token;
        }
    }

    private void EmitText(string text)
    {
        if (_toolCalls is not null)
        {
            text = _toolCalls.Pass(text);
            if (text.Length == 0 && _pendingLogProbabilities is null)
            {
                return;
            }
        }

        Emit(new GenerationUpdate { Text = text, ModelId = Settings.ModelId, LogProbabilities = _pendingLogProbabilities });
        _pendingLogProbabilities = null;
    }

    private void End(FinishReason reason)
    {
        if (reason != FinishReason.StopSequence)
        {
            var rest = _stops.Append(_decoder.Read(), out _) + _stops.Flush();
            if (rest.Length > 0 || _pendingLogProbabilities is not null)
            {
                EmitText(rest);
            }
        }

        var final = _toolCalls?.Complete(ref reason);
        Finish(reason, _generated, final);
        _selector.Dispose();
    }
}
