namespace Reef.Engine.Analysis.Lineage;

/// <summary>A directed candidate edge: <see cref="From"/> as the parent of <see cref="To"/>, at a cost.</summary>
public readonly record struct DirectedEdge(int From, int To, double Cost);

/// <summary>
/// The cheapest spanning arborescence of a directed graph from a given root (Chu–Liu/Edmonds): every other node gets the one
/// incoming edge that makes the total cost least, with no cycle. Where a greedy growth from the root would attach a model
/// under the first placed model it can, this waits for the best one: a model trained on from a pruned one goes under that
/// pruned model even when the pruned model is placed after it. O(E·V) in the worst case (a cycle contracted per round);
/// a family's graph is its scored pairs, so thousands of members are milliseconds to seconds.
/// </summary>
public static class MinimumArborescence
{
    /// <summary>
    /// For each node, the index in <paramref name="edges"/> of its incoming edge (-1 for the root and any node no edge reaches).
    /// </summary>
    public static int[] Solve(int nodes, int root, IReadOnlyList<DirectedEdge> edges)
    {
        var chosen = Enumerable.Repeat(-1, nodes).ToArray();
        // Nodes no edge reaches from the root are left out: the arborescence spans what it can.
        var reachable = Reachable(nodes, root, edges);
        var usable = Enumerable.Range(0, edges.Count).Where(i => edges[i].From != edges[i].To && reachable[edges[i].From] && reachable[edges[i].To] && edges[i].To != root).ToList();
        var picked = Contract(nodes, root, usable.Select(i => edges[i]).ToList());
        for (var v = 0; v < nodes; v++)
            if (picked[v] >= 0) chosen[v] = usable[picked[v]];
        return chosen;
    }

    static bool[] Reachable(int nodes, int root, IReadOnlyList<DirectedEdge> edges)
    {
        var outgoing = edges.ToLookup(e => e.From, e => e.To);
        var seen = new bool[nodes];
        var stack = new Stack<int>([root]);
        seen[root] = true;
        while (stack.Count > 0)
            foreach (var next in outgoing[stack.Pop()])
                if (!seen[next]) { seen[next] = true; stack.Push(next); }
        return seen;
    }

    /// <summary>One round: each node's cheapest incoming edge; a cycle among them is contracted to one node and solved again.</summary>
    static int[] Contract(int nodes, int root, IReadOnlyList<DirectedEdge> edges)
    {
        var best = Enumerable.Repeat(-1, nodes).ToArray();
        for (var i = 0; i < edges.Count; i++)
        {
            var e = edges[i];
            // Equal costs keep the earlier edge: callers list edges in the order they prefer.
            if (best[e.To] < 0 || e.Cost < edges[best[e.To]].Cost) best[e.To] = i;
        }
        // Find the cycles the cheapest edges make.
        var component = Enumerable.Repeat(-1, nodes).ToArray();
        var mark = Enumerable.Repeat(-1, nodes).ToArray();
        var components = 0;
        var cycles = new List<List<int>>();
        for (var start = 0; start < nodes; start++)
        {
            var v = start;
            while (v != root && mark[v] < 0 && component[v] < 0 && best[v] >= 0)
            {
                mark[v] = start;
                v = edges[best[v]].From;
            }
            if (v != root && mark[v] == start && component[v] < 0)
            {
                var cycle = new List<int>();
                for (var u = v; component[u] < 0; u = edges[best[u]].From)
                {
                    component[u] = components;
                    cycle.Add(u);
                }
                cycles.Add(cycle);
                components++;
            }
        }
        if (cycles.Count == 0) return best;
        for (var v = 0; v < nodes; v++)
            if (component[v] < 0) component[v] = components++;

        // Edges into a cycle cost what they save over the cycle's own edge into the node they enter.
        var contracted = new List<DirectedEdge>();
        var origin = new List<int>();
        for (var i = 0; i < edges.Count; i++)
        {
            var e = edges[i];
            var (from, to) = (component[e.From], component[e.To]);
            if (from == to) continue;
            var inCycle = to < cycles.Count;
            contracted.Add(new DirectedEdge(from, to, inCycle ? e.Cost - edges[best[e.To]].Cost : e.Cost));
            origin.Add(i);
        }
        var inner = Contract(components, component[root], contracted);
        var result = Enumerable.Repeat(-1, nodes).ToArray();
        for (var c = 0; c < cycles.Count; c++)
            foreach (var v in cycles[c]) result[v] = best[v];
        for (var c = 0; c < components; c++)
        {
            if (inner[c] < 0) continue;
            var e = origin[inner[c]];
            // Into a cycle: the node it enters takes it instead of its cycle edge, which breaks the cycle there.
            result[edges[e].To] = e;
        }
        return result;
    }
}
