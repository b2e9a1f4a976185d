using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Agents.Orchestration;

/// <summary>One run of an <see cref="Agent"/>: the generate → act loop over one conversation. Not thread-safe; one per run.</summary>
internal sealed class AgentRun
{
    private readonly Agent _agent;
    private readonly AgentOptions _options;
    private readonly bool _stream;
    private readonly Func<AgentEvent, CancellationToken, ValueTask>? _sink;
    private readonly List<Message> _transcript;
    private readonly int _inputCount;
    private readonly List<Message> _prompt;
    private readonly ConversationMemory? _memory;
    private Usage _usage = new();

    public AgentRun(Agent agent, IReadOnlyList<Message> conversation, bool stream, Func<AgentEvent, CancellationToken, ValueTask>? sink)
    {
        _agent = agent;
        _options = agent.Options;
        _stream = stream;
        _sink = sink;
        _transcript = [.. conversation];
        _inputCount = _transcript.Count;

        // The prompt is what the generator sees: the transcript, trimmed to the budget. It only ever grows at the end
        // between trims, so each step's prompt is the previous one plus the new messages (a stable prefix).
        _prompt = [.. conversation];
        _memory = _options.Memory is { } memory ? new ConversationMemory(memory, agent.Generator) : null;
    }

    public async Task<AgentRunResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.StartRun(_options.Name, _options.Description);
        try
        {
            var result = await LoopAsync(activity, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(AgentTelemetry.RunSteps, result.Steps);
            activity?.SetTag(AgentTelemetry.UsageInputTokens, result.Usage.PromptTokens);
            activity?.SetTag(AgentTelemetry.UsageOutputTokens, result.Usage.CompletionTokens);
            if (result.HandoffTo is not null)
            {
                activity?.SetTag(AgentTelemetry.HandoffTo, result.HandoffTo);
            }

            return result;
        }
        catch (Exception ex)
        {
            AgentTelemetry.Fail(activity, ex);
            throw;
        }
    }

    private async Task<AgentRunResult> LoopAsync(Activity? runActivity, CancellationToken cancellationToken)
    {
        var instructions = string.IsNullOrWhiteSpace(_options.Instructions) ? null : Message.System(_options.Instructions);
        for (var step = 1; step <= _options.MaxSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stepActivity = AgentTelemetry.StartStep(_options.Name, step);
            try
            {
                if (_memory is not null)
                {
                    var trims = _memory.Trims;
                    if (await _memory.FitAsync(_prompt, instructions, cancellationToken).ConfigureAwait(false) is { } summaryUsage)
                    {
                        _usage += summaryUsage;
                    }

                    if (_memory.Trims != trims)
                    {
                        AgentLog.HistoryTrimmed(_agent.Logger, _options.Name);
                    }
                }

                var result = await GenerateAsync(instructions, step, cancellationToken).ConfigureAwait(false);
                if (result.Usage is { } usage)
                {
                    _usage += usage;
                }

                var reply = WithCallIds(result.Message with { Role = MessageRole.Assistant }, step);
                _transcript.Add(reply);
                _prompt.Add(reply);
                stepActivity?.SetTag(AgentTelemetry.StepToolCalls, reply.ToolCalls.Count);
                if (reply.ToolCalls.Count == 0)
                {
                    return await FinishAsync(step, handoffTo: null, cancellationToken).ConfigureAwait(false);
                }

                foreach (var call in reply.ToolCalls)
                {
                    await EmitAsync(new ToolCallRequestedEvent(_options.Name, step, call), cancellationToken).ConfigureAwait(false);
                }

                var outcomes = await _agent.Executor.ExecuteAsync(reply.ToolCalls, cancellationToken).ConfigureAwait(false);
                string? handoffTo = null;
                foreach (var outcome in outcomes)
                {
                    var answer = Message.ToolResult(outcome.Call.Id, outcome.Text, outcome.Call.Name);
                    _transcript.Add(answer);
                    _prompt.Add(answer);
                    await EmitAsync(new ToolResultEvent(_options.Name, step, outcome.Call, outcome.Text, outcome.Status, outcome.Findings), cancellationToken).ConfigureAwait(false);
                    if (outcome is { Status: ToolCallStatus.Succeeded, Tool.HandoffTarget: { } target })
                    {
                        handoffTo ??= target;
                    }
                }

                if (handoffTo is not null)
                {
                    return await FinishAsync(step, handoffTo, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                AgentTelemetry.Fail(stepActivity, ex);
                throw;
            }
        }

        AgentLog.MaxStepsReached(_agent.Logger, _options.Name, _options.MaxSteps);
        runActivity?.SetTag(AgentTelemetry.RunSteps, _options.MaxSteps);
        throw new MaxStepsExceededException(
            $"Agent '{_options.Name}' took {_options.MaxSteps} steps without reaching a final answer; the transcript so far is attached.")
        {
            AgentName = _options.Name,
            MaxSteps = _options.MaxSteps,
            Transcript = [.. _transcript],
        };
    }

    private async Task<GenerationResult> GenerateAsync(Message? instructions, int step, CancellationToken cancellationToken)
    {
        var request = BuildRequest(instructions);
        if (!_stream)
        {
            return await _agent.Generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var accumulator = new GenerationResultAccumulator();
        await foreach (var update in _agent.Generator.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            accumulator.Add(update);
            if (update.Text.Length > 0)
            {
                await EmitAsync(new AgentTextEvent(_options.Name, step, update.Text), cancellationToken).ConfigureAwait(false);
            }
        }

        return accumulator.Build();
    }

    private GenerationRequest BuildRequest(Message? instructions)
    {
        var messages = new List<Message>(_prompt.Count + 1);
        if (instructions is not null)
        {
            messages.Add(instructions);
        }

        messages.AddRange(_prompt);
        var options = _options.GenerationOptions?.Clone() ?? new GenerationOptions();
        if (_agent.OfferedTools.Count > 0)
        {
            options.Tools = [.. _agent.OfferedTools];
        }

        // Everything before the newest message is sent again on the next step or turn: the instructions, the tool
        // definitions and the conversation so far form the stable prefix that prefix and prompt caches reuse.
        var stable = messages.Count - 1;
        var callerHint = options.CacheHint;
        options.CacheHint = new CacheHint
        {
            StablePrefixMessageCount = stable,
            ToolsAreStable = true,
            TenantKey = callerHint?.TenantKey,
            SharedPrefixMessageCount = Math.Min(callerHint?.SharedPrefixMessageCount ?? 0, stable),
        };
        return new GenerationRequest(messages, options);
    }

    private async Task<AgentRunResult> FinishAsync(int step, string? handoffTo, CancellationToken cancellationToken)
    {
        var result = new AgentRunResult(_options.Name, [.. _transcript], _transcript.Count - _inputCount)
        {
            Steps = step,
            Usage = _usage,
            HandoffTo = handoffTo,
        };
        AgentLog.RunFinished(_agent.Logger, _options.Name, step);
        await EmitAsync(new AgentFinalAnswerEvent(_options.Name, step, result), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Gives calls the backend left without an id one (tool results must name the call they answer).</summary>
    private static Message WithCallIds(Message reply, int step)
    {
        if (reply.ToolCalls.All(c => !string.IsNullOrEmpty(c.Id)))
        {
            return reply;
        }

        return reply with
        {
            ToolCalls = [.. reply.ToolCalls.Select((c, i) => string.IsNullOrEmpty(c.Id) ? c with { Id = FormattableString.Invariant($"call_{step}_{i + 1}") } : c)],
        };
    }

    private ValueTask EmitAsync(AgentEvent agentEvent, CancellationToken cancellationToken) =>
        _sink?.Invoke(agentEvent, cancellationToken) ?? ValueTask.CompletedTask;
}
