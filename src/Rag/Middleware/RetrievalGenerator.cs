using System.Runtime.CompilerServices;

namespace Agents.Rag;

/// <summary>
/// Middleware that answers from documents: retrieves passages for the last user message, fits them into a token
/// budget as numbered sources <c>[1]</c>…<c>[n]</c>, puts them just before that message, and reports the
/// <see cref="Citation"/>s in the result's <see cref="GenerationResult.AdditionalProperties"/> under
/// <see cref="CitationsKey"/>.
/// </summary>
/// <remarks>
/// Everything before the last user message is left byte-identical and marked stable with
/// <see cref="CacheHint.StablePrefixMessageCount"/>, so the system prompt and conversation history hit the KV-prefix
/// cache and providers' prompt caches while only the sources and question are new. The caller's request and options
/// are never changed: the middleware works on clones.
/// </remarks>
public sealed class RetrievalGenerator : DelegatingGenerator
{
    /// <summary>The key under which results carry the <see cref="IReadOnlyList{T}"/> of <see cref="Citation"/>s.</summary>
    public const string CitationsKey = "rag.citations";

    private readonly IRetriever _retriever;
    private readonly RetrievalGeneratorOptions _options;
    private readonly Lazy<PromptAssembler> _assembler;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator that answers.</param>
    /// <param name="retriever">Finds the passages.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="retriever"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RetrievalGenerator(IGenerator innerGenerator, IRetriever retriever, RetrievalGeneratorOptions? options = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        _retriever = retriever;
        _options = options ?? new RetrievalGeneratorOptions();
        _options.Validate();
        _assembler = new Lazy<PromptAssembler>(() => new PromptAssembler(_options.Tokenizer ?? innerGenerator.GetService<ITokenizer>()));
    }

    /// <inheritdoc/>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var (augmented, citations) = await AugmentAsync(request, cancellationToken).ConfigureAwait(false);
        var result = await base.GenerateAsync(augmented, cancellationToken).ConfigureAwait(false);
        if (citations is not null)
        {
            result.AdditionalProperties = WithCitations(result.AdditionalProperties, citations);
        }

        return result;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<GenerationUpdate> StreamAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (augmented, citations) = await AugmentAsync(request, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.StreamAsync(augmented, cancellationToken).ConfigureAwait(false))
        {
            yield return citations is null || update.FinishReason is null ? update : WithCitations(update, citations);
        }
    }

    /// <summary>Builds the augmented request: a clone with the sources inserted and the stable prefix marked.</summary>
    private async Task<(GenerationRequest Request, IReadOnlyList<Citation>? Citations)> AugmentAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var questionIndex = LastUserMessageIndex(request.Messages);
        if (questionIndex < 0 || string.IsNullOrWhiteSpace(request.Messages[questionIndex].Text))
        {
            return (request, null);
        }

        var question = request.Messages[questionIndex];
        var passages = await _retriever.RetrieveAsync(question.Text, _options.Retrieval, cancellationToken).ConfigureAwait(false);
        passages = await GuardAsync(passages, cancellationToken).ConfigureAwait(false);

        var assembler = _assembler.Value;
        var instructionTokens = TokenCounting.For(_options.Tokenizer ?? InnerGenerator.GetService<ITokenizer>())(_options.Instructions + "\n\n");
        var context = assembler.Assemble(passages, Math.Max(0, _options.ContextTokenBudget - instructionTokens));
        var contextText = context.Citations.Count == 0
            ? _options.Instructions + "\n\nNo sources were found for this question."
            : _options.Instructions + "\n\n" + context.Text;

        var augmented = request.Clone();
        if (_options.Placement == RetrievalContextPlacement.SystemMessage)
        {
            augmented.Messages.Insert(questionIndex, Message.System(contextText));
        }
        else
        {
            augmented.Messages[questionIndex] = question with { Text = contextText + "\n\nQuestion: " + question.Text };
        }

        var options = augmented.Options ?? new GenerationOptions();
        var hint = options.CacheHint;
        var stable = hint is null ? questionIndex : Math.Min(hint.StablePrefixMessageCount, questionIndex);
        options.CacheHint = (hint ?? new CacheHint()) with
        {
            StablePrefixMessageCount = stable,
            SharedPrefixMessageCount = Math.Min(hint?.SharedPrefixMessageCount ?? 0, stable),
        };
        augmented.Options = options;
        return (augmented, context.Citations);
    }

    private async Task<IReadOnlyList<RetrievedPassage>> GuardAsync(IReadOnlyList<RetrievedPassage> passages, CancellationToken cancellationToken)
    {
        if (_options.PassageGuard is null && _options.ContentGuard is null)
        {
            return passages;
        }

        var kept = new List<RetrievedPassage>(passages.Count);
        foreach (var passage in passages)
        {
            var inspected = _options.PassageGuard is { } guard
                ? await guard.InspectAsync(passage, cancellationToken).ConfigureAwait(false)
                : passage;
            if (inspected is not null && _options.ContentGuard is { } contentGuard)
            {
                var verdict = await contentGuard.InspectAsync(inspected.Text, ContentSource.RetrievedPassage, cancellationToken).ConfigureAwait(false);
                inspected = verdict.Blocked ? null
                    : string.Equals(verdict.Text, inspected.Text, StringComparison.Ordinal) ? inspected
                    : inspected with { Text = verdict.Text };
            }

            if (inspected is not null)
            {
                kept.Add(inspected);
            }
        }

        return kept;
    }

    private static int LastUserMessageIndex(IList<Message> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == MessageRole.User)
            {
                return i;
            }
        }

        return -1;
    }

    private static Dictionary<string, object?> WithCitations(IDictionary<string, object?>? properties, IReadOnlyList<Citation> citations)
    {
        var copy = properties is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(properties, StringComparer.Ordinal);
        copy[CitationsKey] = citations;
        return copy;
    }

    private static GenerationUpdate WithCitations(GenerationUpdate update, IReadOnlyList<Citation> citations) => new()
    {
        Text = update.Text,
        ToolCalls = update.ToolCalls,
        FinishReason = update.FinishReason,
        Usage = update.Usage,
        Timings = update.Timings,
        ModelId = update.ModelId,
        ResponseId = update.ResponseId,
        LogProbabilities = update.LogProbabilities,
        Beams = update.Beams,
        AdditionalProperties = WithCitations(update.AdditionalProperties, citations),
    };
}
