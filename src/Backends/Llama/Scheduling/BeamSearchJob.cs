using Agents.Backends.Llama.Generation;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// Beam search over KV sequence forks in the shared context: the live beams sit in one set of sequence ids; each
/// step their expansions are ranked, and the survivors are copied (a metadata-only copy in llama.cpp's unified
/// cache) into the other set, which then becomes current. The job needs twice the beam width in sequence ids.
/// </summary>
internal sealed class BeamSearchJob : SequenceJob
{
    private readonly int _width;
    private readonly float _lengthPenalty;
    private readonly SafeLlamaModelHandle.Vocabulary _vocab;
    private readonly List<FinalBeam> _finished = [];
    private List<Beam> _live = [];
    private LLamaSeqId[] _current = [];
    private LLamaSeqId[] _spare = [];

    public BeamSearchJob(JobSettings settings, DecodingStrategy strategy)
        : base(settings)
    {
        _width = strategy.BeamWidth;
        _lengthPenalty = strategy.LengthPenalty;
        _vocab = settings.Weights.Vocab;
    }

    public override int SequenceCount => 2 * _width;

    public override int ReservedCells => checked(Prompt.Length + (_width * Settings.MaxCompletionTokens));

    public override void AddDecode(LLamaBatch batch)
    {
        for (var j = 0; j < _live.Count; j++)
        {
            var beam = _live[j];
            beam.LogitIndex = batch.Add(beam.Tokens[^1], Prompt.Length + beam.Tokens.Count - 1, _current[j], true);
        }
    }

    protected override void OnPromptEvaluated(LLamaContext context, int logitIndex)
    {
        _current = Sequences[.._width];
        _spare = Sequences[_width..];
        MarkFirstToken();
        Expand(context, [new Beam([], [], 0, logitIndex)]);
    }

    protected override void OnDecoded(LLamaContext context) => Expand(context, _live);

    private void Expand(LLamaContext context, List<Beam> parents)
    {
        var native = context.NativeHandle;
        var candidates = new List<(int Parent, LLamaToken Token, double LogProbability, double Total)>(parents.Count * _width);
        for (var b = 0; b < parents.Count; b++)
        {
            var logits = native.GetLogitsIth(parents[b].LogitIndex);
            var normaliser = Logits.LogSumExp(logits);
            foreach (var index in Logits.TopIndices(logits, _width))
            {
                var logProbability = logits[index] - normaliser;
                candidates.Add((b, (LLamaToken)index, logProbability, parents[b].LogLikelihood + logProbability));
            }
        }

        // Stable: ties keep the earlier beam and the more probable token first.
        var ranked = candidates.Select((c, i) => (c, i)).OrderByDescending(x => x.c.Total).ThenBy(x => x.i).Select(x => x.c);
        var next = new List<(int Parent, Beam Beam)>(_width);
        foreach (var (parent, token, logProbability, total) in ranked)
        {
            if (next.Count == _width || _finished.Count >= _width)
            {
                break;
            }

            var source = parents[parent];
            if (token.IsEndOfGeneration(_vocab))
            {
                _finished.Add(Final(source.Tokens, source.LogProbabilities, total, FinishReason.Stop));
                continue;
            }

            var beam = new Beam([.. source.Tokens, token], [.. source.LogProbabilities, logProbability], total, -1);
            var text = Settings.Tokenizer.Decode(beam.Tokens.Select(t => (int)t));
            var stopAt = StopIndex(text);
            if (stopAt >= 0)
            {
                _finished.Add(new FinalBeam(text[..stopAt], beam.Tokens, beam.LogProbabilities, total, FinishReason.StopSequence));
            }
            else if (beam.Tokens.Count >= Settings.MaxCompletionTokens)
            {
                _finished.Add(Final(beam.Tokens, beam.LogProbabilities, total, FinishReason.Length));
            }
            else
            {
                next.Add((parent, beam));
            }
        }

        if (next.Count == 0 || _finished.Count >= _width)
        {
            Complete();
            return;
        }

        // Fork: every survivor's KV history is copied from its parent's sequence into a fresh one.
        for (var j = 0; j < next.Count; j++)
        {
            native.MemorySequenceRemove(_spare[j], -1, -1);
            native.MemorySequenceCopy(_current[next[j].Parent], _spare[j], -1, -1);
        }

        foreach (var sequence in _current)
        {
            native.MemorySequenceRemove(sequence, -1, -1);
        }

        (_current, _spare) = (_spare, _current);
        _live = [.. next.Select(n => n.Beam)];
    }

    private FinalBeam Final(List<LLamaToken> tokens, List<double> logProbabilities, double total, FinishReason reason) =>
        new(Settings.Tokenizer.Decode(tokens.Select(t => (int)t)), tokens, logProbabilities, total, reason);

    private int StopIndex(string text)
    {
        var best = -1;
        foreach (var stop in Settings.StopSequences)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (best < 0 || index < best))
            {
                best = index;
            }
        }

        return best;
    }

    private void Complete()
    {
        var scored = _finished
            .Select(f => (Final: f, Score: f.LogLikelihood / Math.Pow(Math.Max(1, f.TokenCount), _lengthPenalty)))
            .OrderByDescending(x => x.Score)
            .ToList();
        var best = scored[0].Final;
        IReadOnlyList<TokenLogProbability>? logProbabilities = Settings.IncludeLogProbabilities
            ? [.. best.TokenList.Select((t, i) => new TokenLogProbability(Settings.Tokenizer.Piece(t), best.LogProbabilities[i], (int)t))]
            : null;
        Emit(new GenerationUpdate { Text = best.Text, ModelId = Settings.ModelId, LogProbabilities = logProbabilities });
        var final = new GenerationUpdate
        {
            Beams = Settings.Options.Decoding is { ReturnAllBeams: true }
                ? [.. scored.Select(x => new BeamResult(x.Final.Text, x.Final.LogLikelihood, x.Score, x.Final.TokenCount))]
                : null,
        };
        Finish(best.Reason, best.TokenCount, final);
    }

    private sealed class Beam(List<LLamaToken> tokens, List<double> logProbabilities, double logLikelihood, int logitIndex)
    {
        public List<LLamaToken> Tokens { get; } = tokens;

        public List<double> LogProbabilities { get; } = logProbabilities;

        public double LogLikelihood { get; } = logLikelihood;

        public int LogitIndex { get; set; } = logitIndex;
    }

    private sealed record FinalBeam(string Text, List<LLamaToken> TokenList, List<double> LogProbabilities, double LogLikelihood, FinishReason Reason)
    {
        public int TokenCount => TokenList.Count;
    }
}
