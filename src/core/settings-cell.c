/* settings-cell.c - the current settings of `serve`, swapped whole on reload (SIGHUP): a reader
 * takes a reference under the lock and keeps its PdSettings for a unit of work, so nothing
 * sees a half-changed configuration. Loading is settings.c's. */
#include "core/settings.h"

struct PdSettingsCell {
	GMutex lock;
	PdSettings *current;
};

PdSettingsCell *
pd_settings_cell_new (PdSettings *settings)
{
	PdSettingsCell *cell = g_new0 (PdSettingsCell, 1);

	g_mutex_init (&cell->lock);
	cell->current = pd_settings_ref (settings);
	return cell;
}

PdSettings *
pd_settings_cell_get (PdSettingsCell *cell)
{
	PdSettings *s;

	g_mutex_lock (&cell->lock);
	s = pd_settings_ref (cell->current);
	g_mutex_unlock (&cell->lock);
	return s;
}

void
pd_settings_cell_set (PdSettingsCell *cell, PdSettings *settings)
{
	PdSettings *old;

	pd_settings_ref (settings);
	g_mutex_lock (&cell->lock);
	old = cell->current;
	cell->current = settings;
	g_mutex_unlock (&cell->lock);
	pd_settings_unref (old);
}

void
pd_settings_cell_free (PdSettingsCell *cell)
{
	if (cell == NULL)
		return;
	pd_settings_unref (cell->current);
	g_mutex_clear (&cell->lock);
	g_free (cell);
}
