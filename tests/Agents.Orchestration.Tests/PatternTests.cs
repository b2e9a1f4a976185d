namespace Agents.Orchestration.Tests;

public class PatternTests
{
    private static Agent Echoing(string name, string prefix, string? description = null)
    {
        var script = new ScriptedGenerator();
        for (var i = 0; i < 4; i++)
        {
            script.Then(request => new GenerationResult($"{prefix}({request.Messages[^1].Text})") { Usage = new Usage { PromptTokens = 1, CompletionTokens = 1 } });
        }

        return new Agent(script.Generator, new AgentOptions { Name = name, Description = description });
    }

    [Fact]
    public async Task Sequential_FeedsEachAnswerToTheNextAgent()
    {
        var sequence = new SequentialOrchestration("pipeline", Echoing("draft", "D"), Echoing("review", "R"), Echoing("polish", "P"));

        var result = await sequence.RunAsync([Message.User("topic")]);

        Assert.Equal("P(R(D(topic)))", result.Text);
        Assert.Equal("polish", result.AgentName);
        Assert.Equal(3, result.Steps);
        Assert.Equal(6, result.Usage.TotalTokens);
        Assert.Equal(["topic", "P(R(D(topic)))"], result.Messages.Select(m => m.Text));
    }

    [Fact]
    public void Sequential_NoAgents_Throws() =>
        Assert.Throws<ArgumentException>(() => new SequentialOrchestration("empty"));

    [Theory]
    [InlineData("""{"route":"billing"}""", "billing")]
    [InlineData("technical", "technical")]
    [InlineData("I would pick the Technical agent.", "technical")]
    public async Task Router_RunsTheAgentTheClassifierChose(string classifierAnswer, string expected)
    {
        var classifier = new ScriptedGenerator().ThenAnswer(classifierAnswer);
        var router = new RouterOrchestration(
            "support",
            classifier.Generator,
            Echoing("billing", "B", "Invoices, refunds and payments."),
            Echoing("technical", "T", "Errors, crashes and set-up problems."));

        var result = await router.RunAsync([Message.User("My invoice is wrong")]);

        Assert.Equal(expected, result.AgentName);
        var request = Assert.Single(classifier.Requests);
        Assert.Contains("- billing: Invoices, refunds and payments.", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("My invoice is wrong", request.Messages[1].Text);
        var schema = request.Options!.ResponseFormat!.Schema!.Value;
        Assert.Equal(["billing", "technical"], schema.GetProperty("properties").GetProperty("route").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Router_NoRouteNamed_UsesFallbackOrThrows()
    {
        var agents = new IAgent[] { Echoing("billing", "B"), Echoing("general", "G") };
        var withFallback = new RouterOrchestration("r", new ScriptedGenerator().ThenAnswer("no idea").Generator, agents) { FallbackRoute = "general", UseResponseSchema = false };
        var withoutFallback = new RouterOrchestration("r", new ScriptedGenerator().ThenAnswer("no idea").Generator, agents);

        Assert.Equal("general", (await withFallback.RunAsync([Message.User("hm")])).AgentName);
        var ex = await Assert.ThrowsAsync<AgentException>(() => withoutFallback.RunAsync([Message.User("hm")]));
        Assert.Contains("could not choose a route", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Router_LongestMentionedNameWins()
    {
        var classifier = new ScriptedGenerator().ThenAnswer("route to billing_disputes please");
        var router = new RouterOrchestration("r", classifier.Generator, Echoing("billing", "B"), Echoing("billing_disputes", "BD"));

        Assert.Equal("billing_disputes", (await router.ChooseAsync([Message.User("x")])).Name);
    }

    [Fact]
    public async Task Handoff_AgentTransfersAndTheTargetContinuesTheConversation()
    {
        var triageScript = new ScriptedGenerator().ThenCall(("transfer_to_billing", "{}"));
        var triageOptions = new AgentOptions { Name = "triage", Instructions = "Route the user." };
        triageOptions.Tools.Add(AgentTool.Handoff("billing", "Invoices and refunds."));
        var triage = new Agent(triageScript.Generator, triageOptions);
        var billingScript = new ScriptedGenerator().Then(request =>
        {
            // Billing sees its own instructions, then the whole conversation including the handoff.
            Assert.Equal("You handle invoices.", request.Messages[0].Text);
            Assert.Equal("Refund please", request.Messages[1].Text);
            Assert.Equal("transfer_to_billing", request.Messages[2].ToolCalls.Single().Name);
            Assert.Equal("Transferred to billing.", request.Messages[3].Text);
            return new GenerationResult("Refund issued.");
        });
        var billing = new Agent(billingScript.Generator, new AgentOptions { Name = "billing", Instructions = "You handle invoices." });
        var handoff = new HandoffOrchestration("desk", triage, billing);

        var result = await handoff.RunAsync([Message.User("Refund please")]);

        Assert.Equal("billing", result.AgentName);
        Assert.Equal("Refund issued.", result.Text);
        Assert.Equal(2, result.Steps);
        Assert.Equal(4, result.Messages.Count);
        Assert.Single(triageScript.Requests);
        Assert.Equal("Transferred to billing.", result.Messages[2].Text);
        Assert.Equal("transfer_to_billing", triageScript.Requests[0].Options!.Tools!.Single().Name);
    }

    [Fact]
    public async Task Handoff_ToUnknownAgent_ThrowsWithTranscript()
    {
        var options = new AgentOptions { Name = "triage" };
        options.Tools.Add(AgentTool.Handoff("nobody"));
        var triage = new Agent(new ScriptedGenerator().ThenCall(("transfer_to_nobody", "{}")).Generator, options);

        var ex = await Assert.ThrowsAsync<AgentException>(() => new HandoffOrchestration("desk", triage).RunAsync([Message.User("hi")]));

        Assert.Contains("'nobody'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Transcript.Count);
    }

    [Fact]
    public async Task Handoff_PingPong_StopsAtMaxHandoffs()
    {
        Agent Bouncer(string name, string target)
        {
            var script = new ScriptedGenerator();
            for (var i = 0; i < 5; i++)
            {
                script.ThenCall(("transfer_to_" + target, "{}"));
            }

            var options = new AgentOptions { Name = name };
            options.Tools.Add(AgentTool.Handoff(target));
            return new Agent(script.Generator, options);
        }

        var handoff = new HandoffOrchestration("desk", Bouncer("a", "b"), Bouncer("b", "a")) { MaxHandoffs = 3 };

        var ex = await Assert.ThrowsAsync<AgentException>(() => handoff.RunAsync([Message.User("hi")]));

        Assert.Contains("more than 3 times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patterns_Compose_ARouterCanRouteToASequence()
    {
        var sequence = new SequentialOrchestration("writers", Echoing("draft", "D"), Echoing("edit", "E")) { Description = "Writes things." };
        var router = new RouterOrchestration("front", new ScriptedGenerator().ThenAnswer("""{"route":"writers"}""").Generator, sequence, Echoing("other", "O"));

        var result = await router.RunAsync([Message.User("a poem")]);

        Assert.Equal("E(D(a poem))", result.Text);
    }
}
