using System.Text;
using System.Text.Json;

namespace Agents.Orchestration;

/// <summary>
/// Sends each conversation to one of several agents, chosen by a classifier step: the generator reads the route names
/// and descriptions and the latest user message, and answers with a route's name (as JSON constrained to the names
/// when the backend supports schemas).
/// </summary>
public sealed class RouterOrchestration : IAgent
{
    private static readonly string[] RequiredRoute = ["route"];

    private readonly IGenerator _classifier;
    private readonly Dictionary<string, IAgent> _routes;
    private readonly JsonElement _schema;

    /// <summary>Creates the router.</summary>
    /// <param name="name">The router's name.</param>
    /// <param name="classifier">The generator that chooses the route (a small, fast model is enough).</param>
    /// <param name="routes">The agents to choose from, by their <see cref="IAgent.Name"/>; describe each with <see cref="IAgent.Description"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, <paramref name="routes"/> is empty, or two routes share a name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="classifier"/> or <paramref name="routes"/> is <see langword="null"/>.</exception>
    public RouterOrchestration(string name, IGenerator classifier, params IEnumerable<IAgent> routes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(routes);
        Name = name;
        _classifier = classifier;
        _routes = new(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            ArgumentNullException.ThrowIfNull(route, nameof(routes));
            if (!_routes.TryAdd(route.Name, route))
            {
                throw new ArgumentException($"Two routes are named '{route.Name}'.", nameof(routes));
            }
        }

        if (_routes.Count == 0)
        {
            throw new ArgumentException("A router needs at least one route.", nameof(routes));
        }

        _schema = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object> { ["route"] = new Dictionary<string, object> { ["type"] = "string", ["enum"] = _routes.Keys.ToArray() } },
            ["required"] = RequiredRoute,
            ["additionalProperties"] = false,
        });
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string? Description { get; init; }

    /// <summary>Gets or sets the route taken when the classifier's answer names no route.</summary>
    /// <value><see langword="null"/>: such a run fails with <see cref="AgentException"/>.</value>
    public string? FallbackRoute { get; init; }

    /// <summary>Gets or sets whether the classifier is asked for JSON constrained to the route names (a response-format schema).</summary>
    /// <value><see langword="true"/>. Switch it off for a backend that refuses response schemas; the answer is then read as plain text.</value>
    public bool UseResponseSchema { get; init; } = true;

    /// <summary>Chooses the route for <paramref name="conversation"/> without running it.</summary>
    /// <param name="conversation">The conversation; its latest user message is classified.</param>
    /// <param name="cancellationToken">Cancels the classification.</param>
    /// <returns>The chosen agent.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversation"/> holds no user message.</exception>
    /// <exception cref="AgentException">The classifier named no route and there is no <see cref="FallbackRoute"/>.</exception>
    public async Task<IAgent> ChooseAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var question = conversation.LastOrDefault(m => m?.Role == MessageRole.User)
            ?? throw new ArgumentException("The conversation holds no user message to route.", nameof(conversation));
        var prompt = new StringBuilder("Choose the agent best suited to answer the user's message. The agents:\n");
        foreach (var route in _routes.Values)
        {
            prompt.Append("- ").Append(route.Name).Append(": ").AppendLine(route.Description ?? route.Name);
        }

        prompt.Append("Answer with JSON {\"route\": \"<agent name>\"} and nothing else.");
        var options = new GenerationOptions { Temperature = 0, MaxTokens = 64 };
        if (UseResponseSchema)
        {
            options.ResponseFormat = ResponseFormat.ForJsonSchema(_schema, "route");
        }

        var result = await _classifier.GenerateAsync(
            new GenerationRequest([Message.System(prompt.ToString()), Message.User(question.Text)], options), cancellationToken).ConfigureAwait(false);
        var chosen = ReadRoute(result.Text) ?? FallbackRoute;
        return chosen is not null && _routes.TryGetValue(chosen, out var agent)
            ? agent
            : throw new AgentException($"Router '{Name}' could not choose a route: the classifier answered with no route name.") { AgentName = Name, Transcript = conversation };
    }

    /// <inheritdoc/>
    /// <exception cref="AgentException">The classifier named no route and there is no <see cref="FallbackRoute"/>.</exception>
    public async Task<AgentRunResult> RunAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        var agent = await ChooseAsync(conversation, cancellationToken).ConfigureAwait(false);
        return await agent.RunAsync(conversation, cancellationToken).ConfigureAwait(false);
    }

    private string? ReadRoute(string answer)
    {
        var text = answer.Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("route", out var route)
                && route.ValueKind == JsonValueKind.String
                && _routes.ContainsKey(route.GetString()!))
            {
                return route.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: a model without schema support may answer with the bare name.
        }

        var bare = text.Trim('"', '\'', '.', ' ', '`');
        if (_routes.Keys.FirstOrDefault(k => string.Equals(k, bare, StringComparison.OrdinalIgnoreCase)) is { } exact)
        {
            return exact;
        }

        // The longest name mentioned wins, so "billing_disputes" is not read as "billing".
        return _routes.Keys
            .Where(k => text.Contains(k, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(k => k.Length)
            .FirstOrDefault();
    }
}
