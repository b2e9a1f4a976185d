using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// The ask–validate–repair loop behind <see cref="GeneratorStructuredOutputExtensions"/>: asks with the schema as the
/// response format (and in the prompt when the generator is not known to honour it), validates every answer, feeds the
/// errors back for a repair, and throws <see cref="ValidationFailedException"/> with every error when attempts run out.
/// </summary>
internal sealed class StructuredOutputRunner<T>
{
    private readonly IGenerator _generator;
    private readonly GenerationRequest _request;
    private readonly JsonElement _schema;
    private readonly StructuredOutputOptions _options;
    private readonly SchemaValidator _validator;
    private readonly Func<JsonElement, T> _convert;

    public StructuredOutputRunner(IGenerator generator, GenerationRequest request, JsonElement schema, StructuredOutputOptions? options, Func<JsonElement, T> convert)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(request);
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True))
        {
            throw new ArgumentException("A JSON schema must be a JSON object.", nameof(schema));
        }

        _options = options ?? new StructuredOutputOptions();
        _options.Validate();
        _generator = generator;
        _request = request;
        _schema = schema.ValueKind == JsonValueKind.True ? JsonDocument.Parse("{}").RootElement.Clone() : schema.Clone();
        _validator = new SchemaValidator(_schema, _options.ValidateFormats);
        _convert = convert;
    }

    public async Task<(T Value, JsonElement Json)> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        string? previous = null;
        IReadOnlyList<string>? previousErrors = null;
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var request = BuildRequest(previous, previousErrors, out var native);
            var result = await _generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            if (TryAccept(result.Text, result.AdditionalProperties, native, attempt, failures, out var value, out var json, out previousErrors))
            {
                return (value!, json);
            }

            previous = result.Text;
        }

        throw Exhausted(failures);
    }

    public async IAsyncEnumerable<StructuredUpdate<T>> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        string? previous = null;
        IReadOnlyList<string>? previousErrors = null;
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var request = BuildRequest(previous, previousErrors, out var native);
            var text = new StringBuilder();
            IDictionary<string, object?>? properties = null;
            string? lastShown = null;
            await foreach (var update in _generator.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                properties = update.AdditionalProperties ?? properties;
                if (string.IsNullOrEmpty(update.Text))
                {
                    continue;
                }

                text.Append(update.Text);
                var completed = PartialJsonCompleter.Complete(text.ToString());
                if (completed is not null && completed != lastShown)
                {
                    lastShown = completed;
                    using var document = JsonDocument.Parse(completed);
                    yield return new StructuredUpdate<T> { Partial = document.RootElement.Clone(), Attempt = attempt };
                }
            }

            if (TryAccept(text.ToString(), properties, native, attempt, failures, out var value, out var json, out previousErrors))
            {
                yield return new StructuredUpdate<T> { Partial = json, Attempt = attempt, IsFinal = true, Value = value };
                yield break;
            }

            previous = text.ToString();
        }

        throw Exhausted(failures);
    }

    private bool TryAccept(
        string text, IDictionary<string, object?>? properties, bool native, int attempt, List<string> failures,
        out T? value, out JsonElement json, out IReadOnlyList<string>? errors)
    {
        value = default;
        if (ResponseFormatProbe.ReportsFormatIgnored(properties))
        {
            ResponseFormatProbe.Record(_generator, ResponseFormatSupport.Ignored);
        }

        errors = _validator.Check(text, out json);
        if (errors.Count == 0)
        {
            try
            {
                value = _convert(json);
            }
            catch (JsonException e)
            {
                errors = [$"the JSON does not deserialize to {typeof(T).Name}: {e.Message}"];
            }
            catch (NotSupportedException e)
            {
                errors = [$"the JSON does not deserialize to {typeof(T).Name}: {e.Message}"];
            }
        }

        if (errors.Count == 0)
        {
            if (native)
            {
                ResponseFormatProbe.Record(_generator, ResponseFormatSupport.Honoured);
            }

            return true;
        }

        if (native)
        {
            // Asked natively and still wrong: the server ignored (or does not enforce) the response format.
            ResponseFormatProbe.Record(_generator, ResponseFormatSupport.Ignored);
        }

        failures.AddRange(errors.Select(e => $"attempt {attempt}: {e}"));
        return false;
    }

    private GenerationRequest BuildRequest(string? previous, IReadOnlyList<string>? errors, out bool native)
    {
        var options = _request.Options?.Clone() ?? new GenerationOptions();
        options.ResponseFormat = ResponseFormat.ForJsonSchema(_schema, _options.SchemaName);
        native = true;
        var metadata = _generator.GetService(typeof(GeneratorMetadata)) as GeneratorMetadata;
        var support = ResponseFormatProbe.Get(_generator);
        var inPrompt = _options.AlwaysIncludeSchemaInPrompt
            || support == ResponseFormatSupport.Ignored
            || (support == ResponseFormatSupport.Unknown && metadata?.Capabilities.HasFlag(GeneratorCapabilities.JsonSchema) != true);

        var messages = new List<Message>(_request.Messages);
        if (inPrompt)
        {
            var instruction = "Reply with only a JSON value (no prose, no code fence) that conforms to this JSON schema:\n" + _schema.GetRawText();
            if (messages.Count > 0 && messages[0].Role == MessageRole.System)
            {
                messages[0] = messages[0] with { Text = messages[0].Text + "\n\n" + instruction };
            }
            else
            {
                messages.Insert(0, Message.System(instruction));
            }
        }

        if (previous is not null && errors is not null)
        {
            messages.Add(Message.Assistant(previous));
            messages.Add(Message.User(
                "That reply is not valid against the JSON schema:\n- " + string.Join("\n- ", errors.Take(20))
                + "\nReply again with only the corrected JSON."));
        }

        return new GenerationRequest(messages, options);
    }

    private static ValidationFailedException Exhausted(List<string> failures) =>
        new(SchemaValidator.Name, failures);
}
