package org.devicetrust.web.console;

import jakarta.faces.component.UIComponent;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.boundary.DeviceRegistry.DeviceQuery;
import org.devicetrust.device.boundary.DeviceRegistry.SortField;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.boundary.BulkRevocation;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.primefaces.component.datatable.DataTable;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;
import org.primefaces.model.SortOrder;

/**
 * The devices page: one page of the fleet at a time, filtered, sorted and counted in the database; register a
 * device; revoke the certificates of a selection of devices in chunks (one CRL each), so the page can show
 * progress.
 */
@Named
@ViewScoped
public class DeviceList implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int REVOCATIONS_PER_STEP = 50;

    @Inject
    DeviceRegistry registry;

    @Inject
    CertificateQueries certificates;

    @Inject
    CertificateRevocation revocation;

    private String search;
    private DeviceStatus statusFilter;
    private final LazyDataModel<Device> devices = new Devices();
    private List<Device> selection = new ArrayList<>();

    private String newId;
    private String newName;

    private RevocationReason bulkReason = RevocationReason.UNSPECIFIED;
    private List<String> pendingSerials = new ArrayList<>();
    private int bulkTotal;
    private int bulkDone;
    private int bulkFailed;
    private boolean bulkRunning;

    /** The lazy model: PrimeFaces asks for the count and one page; both go to the registry's DB queries. */
    private final class Devices extends LazyDataModel<Device> {
        private static final long serialVersionUID = 1L;

        @Override
        public int count(Map<String, FilterMeta> filterBy) {
            return (int) Math.min(Integer.MAX_VALUE, registry.count(query(null, 0, 1)));
        }

        @Override
        public List<Device> load(
                int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
            SortMeta sort = sortBy == null || sortBy.isEmpty()
                    ? null
                    : sortBy.values().iterator().next();
            // The filter lives in this bean, not in the table's filter map, so the table would keep its old
            // count: count with every load (one indexed COUNT next to the page query).
            setRowCount(count(filterBy));
            return registry.list(query(sort, first, Math.max(1, Math.min(pageSize, DeviceRegistry.MAX_PAGE_SIZE))));
        }

        @Override
        public String getRowKey(Device device) {
            return device.id().value();
        }

        @Override
        public Device getRowData(String rowKey) {
            return registry.find(rowKey).orElse(null);
        }
    }

    private DeviceQuery query(SortMeta sort, int first, int pageSize) {
        SortField field = SortField.ID;
        boolean ascending = true;
        if (sort != null && sort.getOrder() != SortOrder.UNSORTED) {
            field = switch (sort.getField()) {
                case "name" -> SortField.NAME;
                case "status" -> SortField.STATUS;
                case "createdAt" -> SortField.CREATED;
                case "updatedAt" -> SortField.UPDATED;
                default -> SortField.ID;
            };
            ascending = sort.getOrder() == SortOrder.ASCENDING;
        }
        return new DeviceQuery(search, statusFilter, field, ascending, first, pageSize);
    }

    /** A new filter starts at the first page. */
    public void firstPage() {
        UIComponent table = FacesContext.getCurrentInstance().getViewRoot().findComponent(":devicesForm:devices");
        if (table instanceof DataTable dataTable) {
            dataTable.setFirst(0);
        }
    }

    public void register() {
        try {
            Device device = registry.register(newId == null ? null : newId.strip(), newName);
            Messages.info("Device " + device.id().value() + " registered.");
            newId = null;
            newName = null;
        } catch (RuntimeException e) {
            Messages.failure("Registration refused", e);
        }
    }

    /** Collects the valid certificates of the selected devices; the poll on the page then calls {@link #step}. */
    public void startBulkRevoke() {
        pendingSerials = new ArrayList<>();
        for (Device device : selection) {
            for (IssuedCertificate certificate :
                    certificates.certificatesOf(device.id().value())) {
                if (certificate.status() == CertificateStatus.ISSUED) {
                    pendingSerials.add(certificate.serialHex());
                }
            }
        }
        bulkTotal = pendingSerials.size();
        bulkDone = 0;
        bulkFailed = 0;
        bulkRunning = bulkTotal > 0;
        if (!bulkRunning) {
            Messages.info("The selected devices have no valid certificate.");
        }
    }

    /**
     * Revokes the next chunk of certificates: one transaction and one CRL per chunk, each certificate audited.
     * The poll on the page calls this until nothing is pending, so the page shows progress between chunks.
     */
    public void step() {
        if (!bulkRunning) {
            return;
        }
        List<String> chunk = pendingSerials.subList(0, Math.min(REVOCATIONS_PER_STEP, pendingSerials.size()));
        List<String> serials = List.copyOf(chunk);
        chunk.clear();
        try {
            BulkRevocation result = revocation.revokeAll(serials, bulkReason);
            bulkFailed += result.refused().size();
            for (BulkRevocation.Refusal refusal : result.refused()) {
                Messages.error("Certificate " + refusal.serial() + " not revoked: " + refusal.message());
            }
        } catch (RuntimeException e) {
            bulkFailed += serials.size();
            Messages.failure(serials.size() + " certificates not revoked", e);
        }
        bulkDone += serials.size();
        if (pendingSerials.isEmpty()) {
            bulkRunning = false;
            Messages.info("Bulk revocation finished: " + (bulkDone - bulkFailed) + " of " + bulkTotal
                    + " certificates revoked.");
            selection = new ArrayList<>();
        }
    }

    public int getBulkProgress() {
        return bulkTotal == 0 ? 0 : (int) (100L * bulkDone / bulkTotal);
    }

    public RevocationReason[] getReasons() {
        return RevocationReason.values();
    }

    public DeviceStatus[] getStatuses() {
        return DeviceStatus.values();
    }

    public LazyDataModel<Device> getDevices() {
        return devices;
    }

    public String getSearch() {
        return search;
    }

    public void setSearch(String search) {
        this.search = search;
    }

    public DeviceStatus getStatusFilter() {
        return statusFilter;
    }

    public void setStatusFilter(DeviceStatus statusFilter) {
        this.statusFilter = statusFilter;
    }

    public List<Device> getSelection() {
        return selection;
    }

    public void setSelection(List<Device> selection) {
        this.selection = selection == null ? new ArrayList<>() : selection;
    }

    public String getNewId() {
        return newId;
    }

    public void setNewId(String newId) {
        this.newId = newId;
    }

    public String getNewName() {
        return newName;
    }

    public void setNewName(String newName) {
        this.newName = newName;
    }

    public RevocationReason getBulkReason() {
        return bulkReason;
    }

    public void setBulkReason(RevocationReason bulkReason) {
        this.bulkReason = bulkReason;
    }

    public int getBulkTotal() {
        return bulkTotal;
    }

    public int getBulkDone() {
        return bulkDone;
    }

    public int getBulkFailed() {
        return bulkFailed;
    }

    public boolean isBulkRunning() {
        return bulkRunning;
    }
}
